"""/dumps/: the whole graph as N-Quads (also gzipped, casegraph.nq.gz) and TriG, and each named
graph on its own (/dumps/graph/ID.nq), streamed, conditional and gzip-compressed on request
(api.conditional); /.well-known/void: VoID + DCAT."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse

from api import conditional
from api.access import can_read_withheld
from api.cache import per_store
from api.conditional import Validators, accepts_gzip, gzip_stream, not_modified
from api.deps import app_stats, app_view, get_settings, get_store
from api.settings import Settings
from api.void import COMPRESSED, DUMPS, JSONLD_CONTEXT, PREFIXES, void_description
from ingest.store import Store
from ingest.store.public import formats
from ingest.store.rdf import Format, serialize
from ingest.store.terms import Triple
from ingest.vocab import PREFIXES as GRAPH_PREFIXES

router = APIRouter(tags=["dumps"])

VOID_TYPES = ("text/turtle", "application/ld+json")


def _server(request: Request) -> str:
    """The public origin (api.public): never taken from the request's Host header."""
    origin: str = request.app.state.settings.origin
    return origin


def stream_quads(store: Store, fmt: Format, graphs: list[str] | None = None) -> Iterator[bytes]:
    """The store graph by graph (default graph first), or only `graphs`, streamed in chunks
    (Store.export); Turtle and TriG with the project's prefixes."""
    with_prefixes = fmt in (Format.TRIG, Format.TURTLE)
    prefixes = {k: str(v) for k, v in GRAPH_PREFIXES.items()} if with_prefixes else None
    return store.export(fmt, graphs, prefixes)


@router.get("/dumps/", summary="The downloadable dumps of the whole graph", response_model=None)
def dumps_index(request: Request) -> Response:
    server = _server(request)
    items = [{"name": name, "url": f"{server}/dumps/{name}", "media_type": media} for name, media in DUMPS.items()]
    items += [{"name": name, "url": f"{server}/dumps/{name}", "media_type": "application/gzip"} for name in COMPRESSED]
    per_graph = f"{server}/dumps/graph/{{id}}.nq"
    if formats.negotiate(request.headers.get("accept"), ["application/json", "text/html"]) == "text/html":
        rows = "".join(f'<li><a href="{i["url"]}">{i["name"]}</a> ({i["media_type"]})</li>' for i in items)
        return HTMLResponse(
            f"<!doctype html><title>CaseGraph dumps</title><h1>Dumps of the whole graph</h1><ul>{rows}</ul>"
            f"<p>One graph: {per_graph} (the id of its IRI, …/id/graph/ID)</p>"
            f'<p>Dataset description: <a href="{server}/.well-known/void">VoID / DCAT</a></p>',
            headers={"Vary": "Accept"},
        )
    return JSONResponse(
        {"dumps": items, "graph": per_graph, "void": f"{server}/.well-known/void"}, headers={"Vary": "Accept"}
    )


def _send(
    request: Request,
    store: Store,
    graphs: list[str] | None,
    name: str,
    media: str,
    validators_for: Callable[[str], Validators],
) -> Response:
    """A dump, conditional (304 for a version the client holds) and gzip-compressed for a
    client that takes it (or always, as a .gz file)."""
    as_file = name.endswith(".gz")
    encoded = not as_file and accepts_gzip(request)
    validators = validators_for(name + ("|gzip" if encoded else ""))
    vary = "Accept-Encoding"
    unchanged = not_modified(request, validators, vary)
    if unchanged is not None:
        return unchanged
    body: Iterator[bytes] = stream_quads(store, formats.DATASET_TYPES[media], graphs)
    headers = {**validators.headers(), "Vary": vary, "Content-Disposition": f'attachment; filename="{name}"'}
    if as_file or encoded:
        body = gzip_stream(body)
    if encoded:
        headers["Content-Encoding"] = "gzip"
    return StreamingResponse(body, media_type="application/gzip" if as_file else media, headers=headers)


@router.head("/dumps/{name}", include_in_schema=False)
@router.get(
    "/dumps/{name}",
    summary="A dump of the whole graph (casegraph.nq, casegraph.trig, casegraph.nq.gz), streamed",
    response_model=None,
)
def dump(name: str, request: Request, store: Annotated[Store, Depends(get_store)]) -> Response:
    media = DUMPS.get(COMPRESSED.get(name, name))
    if media is None:
        raise HTTPException(404, f"no dump {name!r}; there are: {', '.join([*DUMPS, *COMPRESSED])}")
    return _send(request, store, None, name, media, lambda variant: conditional.for_store(store, variant))


# A graph's id is what follows …/id/graph/ in its IRI: a document's file stem (a slug), `_fused`,
# or a document's text graph, SLUG/text (ingest.texts). Anything else (dots, other slashes,
# escapes) is no graph's id.
_GRAPH_DUMP = re.compile(r"\A([A-Za-z0-9_][A-Za-z0-9_-]{0,127}(?:/text)?)(\.nq|\.trig|\.nq\.gz)\Z")
GRAPH_DUMPS = {".nq": "application/n-quads", ".trig": "application/trig", ".nq.gz": "application/n-quads"}


@router.head("/dumps/graph/{name:path}", include_in_schema=False)
@router.get(
    "/dumps/graph/{name:path}",
    summary="One named graph as N-Quads (ID.nq, ID.nq.gz) or TriG (ID.trig), ID as in …/id/graph/ID",
    response_model=None,
)
def graph_dump(
    name: str,
    request: Request,
    store: Annotated[Store, Depends(get_store)],
    settings: Annotated[Settings, Depends(get_settings)],
) -> Response:
    found = _GRAPH_DUMP.match(name)
    graph = f"{settings.base_iri}id/graph/{found.group(1)}" if found else ""
    if not found or not conditional.has_graph(store, graph):
        # The same answer for a graph that is not there and one the store does not show.
        raise HTTPException(404, f"no graph dump {name!r}")
    media = GRAPH_DUMPS[found.group(2)]
    return _send(request, store, [graph], name, media, lambda variant: conditional.for_graph(store, graph, variant))


@router.get("/.well-known/void", summary="VoID and DCAT description of the dataset (Turtle or JSON-LD)")
def void(request: Request, format: str | None = None) -> Response:
    chosen = formats.by_name(format) if format else formats.negotiate(request.headers.get("accept"), list(VOID_TYPES))
    if chosen not in VOID_TYPES:
        return PlainTextResponse("the dataset description is in: " + ", ".join(VOID_TYPES) + "\n", status_code=406)
    state = request.app.state
    settings: Settings = state.settings
    server = _server(request)
    full = can_read_withheld(request)
    store = app_view(state, full=full)
    # described once per view and store version (api.cache)
    triples: list[Triple] = per_store(
        store, f"void:{server}", lambda: void_description(store, settings, server, app_stats(state, full=full)["quads"])
    )
    if chosen == "text/turtle":
        body = serialize(triples, Format.TURTLE, PREFIXES)
        return Response(body, media_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"})
    expanded = json.loads(serialize(triples, Format.JSONLD) or b"[]")
    return JSONResponse(
        {"@context": JSONLD_CONTEXT, "@graph": expanded}, media_type="application/ld+json", headers={"Vary": "Accept"}
    )
