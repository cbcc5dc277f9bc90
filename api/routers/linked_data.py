"""Linked data: every IRI the graph mints under the served base answers at /id/..., in HTML,
Turtle, N-Triples, RDF/XML, JSON-LD (with the context published at /context.jsonld), TriG and
N-Quads (which keep each statement's source graph) and the curated JSON, by content
negotiation (`Vary: Accept`, `?format=` overrides). IRIs that resolution merged answer 308 to
the surviving IRI; IRIs the graph does not know answer 404. A named graph's IRI
(/id/graph/<doc>) answers its description (document, size, downloads) in HTML and JSON, and
the graph's own statements in the RDF syntaxes. Every 200 carries ETag and Last-Modified, and a
request that names the version it holds gets 304 (api.conditional): a graph's follow that graph,
a description's the whole store."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response, StreamingResponse

from api import conditional
from api.curated.common import Ctx, NotFound
from api.curated.graphs import graph_detail, is_graph
from api.curated.resource import resource_page
from api.deps import get_settings, get_store
from api.describe import RDF_FORMATS, describe_quads, jsonld_context, serialise_quads
from api.identity import published_from, resolve
from api.negotiation import HTML, JSON, Choice, NotAcceptable, choose
from api.routers.dumps import stream_quads
from api.settings import Settings
from api.templating import render
from ingest.jsonld_context import CONTEXT_IRI
from ingest.store import Store
from ingest.store.rdf import Format, serialize

router = APIRouter(tags=["linked data"])

VARY = {"Vary": "Accept"}


@router.get(
    "/context.jsonld",
    summary="The JSON-LD @context the linked data uses: a term per ontology class and property, with coercions",
)
def context() -> JSONResponse:
    return JSONResponse(
        jsonld_context(), media_type="application/ld+json", headers={"Cache-Control": "public, max-age=3600"}
    )


def _error(request: Request, status: int, message: str, media_type: str) -> Response:
    if media_type == HTML:
        return render(
            request, "error.html", {"status": status, "message": message}, status_code=status, title="Not found"
        )
    return JSONResponse({"error": message}, status_code=status, headers=VARY)


@router.get(
    "/id/{path:path}",
    summary="Dereference a CaseGraph IRI",
    description="HTML, Turtle, N-Triples, RDF/XML, JSON-LD, TriG, N-Quads or the curated JSON, "
    "by the Accept header or `?format=` (html, json, jsonld, ttl, nt, rdf, trig, nq).",
    responses={
        200: {"content": {"text/html": {}, "text/turtle": {}, "application/ld+json": {}}},
        308: {},
        404: {},
        406: {},
    },
)
def resource(
    path: str,
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
    format: Annotated[str | None, Query(description="override the Accept header")] = None,
) -> Response:
    try:
        choice = choose(request.headers.get("accept"), format)
    except NotAcceptable as exc:
        status = 400 if format else 406
        return JSONResponse({"error": str(exc)}, status_code=status, headers=VARY)
    ctx = Ctx(store, settings.base_iri)
    iri = ctx.id_base + path
    # The representation a tag names: this IRI in this format (the query holds `format=`).
    variant = "|".join([choice.media_type, request.url.path, request.url.query])
    if path.startswith("graph/") and is_graph(ctx, iri):
        validators = conditional.for_graph(store, iri, variant)
        return conditional.not_modified(request, validators, "Accept") or _validated(
            _graph(request, ctx, iri, choice), validators
        )
    target, known = resolve(store, iri)
    if not known or target is None:
        return _error(request, 404, f"{iri} is not in this graph", choice.media_type)
    if target != iri:
        location = ctx.href(target) or target
        if request.url.query:
            location += "?" + request.url.query
        return RedirectResponse(location, status_code=308, headers=VARY)
    # A description gathers statements from any graph: it follows the whole store's version.
    validators = conditional.for_store(store, variant)
    return conditional.not_modified(request, validators, "Accept") or _validated(
        _described(request, ctx, iri, choice), validators
    )


def _validated(response: Response, validators: conditional.Validators) -> Response:
    if response.status_code == 200:
        response.headers.update(validators.headers())
    return response


def _described(request: Request, ctx: Ctx, iri: str, choice: Choice) -> Response:
    """An entity's description in the chosen format."""
    store = ctx.store
    if choice.is_rdf:
        # The context's stable IRI, the same on every deployment (this server also answers it at
        # /context.jsonld), so `casegraph validate` reads it from its bundled copy.
        context_url = CONTEXT_IRI
        # A readable IRI (ingest.fusion.published) is described with what the documents say
        # about the IRI they minted, so one dereference gives the whole person.
        quads = describe_quads(store, iri)
        for minted in published_from(store, iri):
            quads.extend(describe_quads(store, minted))
        body = serialise_quads(list(dict.fromkeys(quads)), choice.media_type, context_url)
        return Response(body, media_type=choice.content_type, headers=VARY)
    try:
        template, data = resource_page(ctx, iri)
    except NotFound as exc:
        return _error(request, 404, str(exc), choice.media_type)
    data["queries"] = ctx.queries
    if choice.media_type == JSON:
        return JSONResponse(data, headers=VARY)
    alternates = _alternates(request)
    response = render(request, template, data, json_twin=alternates["json"], title=data.get("label", ""))
    response.headers.update(VARY)
    response.headers["Link"] = ", ".join(f'<{url}>; rel="alternate"; type="{t}"' for t, url in alternates["links"])
    return response


def _graph(request: Request, ctx: Ctx, iri: str, choice: Choice) -> Response:
    """A named graph: its statements in an RDF syntax (streamed where the syntax allows it),
    else its description (document, size, where to download it) as JSON or HTML."""
    if choice.is_rdf:
        fmt = RDF_FORMATS.get(choice.media_type)
        if fmt is not None and fmt != Format.RDFXML:
            body = stream_quads(ctx.store, fmt, [iri])
            return StreamingResponse(body, media_type=choice.content_type, headers=VARY)
        # RDF/XML and JSON-LD are single documents: written whole (a document graph is small).
        whole = serialize((q.triple for q in ctx.store.quads(iri)), fmt or Format.JSONLD)
        return Response(whole, media_type=choice.content_type, headers=VARY)
    data = {**graph_detail(ctx, iri), "queries": ctx.queries}
    if choice.media_type == JSON:
        return JSONResponse(data, headers=VARY)
    alternates = _alternates(request)
    response = render(request, "graph.html", data, json_twin=alternates["json"], title=data["label"])
    response.headers.update(VARY)
    response.headers["Link"] = ", ".join(f'<{url}>; rel="alternate"; type="{t}"' for t, url in alternates["links"])
    return response


def _alternates(request: Request) -> dict[str, Any]:
    """This resource in each other format, as absolute URLs on the public origin."""
    settings: Settings = request.app.state.settings
    rest = request.url.remove_query_params("format")
    base = settings.origin + rest.path + (f"?{rest.query}" if rest.query else "")
    sep = "&" if "?" in base else "?"
    links = [
        ("application/json", f"{base}{sep}format=json"),
        ("text/turtle", f"{base}{sep}format=ttl"),
        ("application/ld+json", f"{base}{sep}format=jsonld"),
        ("application/n-triples", f"{base}{sep}format=nt"),
        ("application/trig", f"{base}{sep}format=trig"),
        ("application/n-quads", f"{base}{sep}format=nq"),
    ]
    return {"json": links[0][1], "links": links}
