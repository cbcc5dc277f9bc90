"""/dumps/: the whole graph as N-Quads and TriG, streamed; /.well-known/void: VoID + DCAT."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse

from api.cache import per_store
from api.deps import app_stats, app_store
from api.settings import Settings
from api.void import DUMPS, JSONLD_CONTEXT, PREFIXES, void_description
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
    if formats.negotiate(request.headers.get("accept"), ["application/json", "text/html"]) == "text/html":
        rows = "".join(f'<li><a href="{i["url"]}">{i["name"]}</a> ({i["media_type"]})</li>' for i in items)
        return HTMLResponse(
            f"<!doctype html><title>CaseGraph dumps</title><h1>Dumps of the whole graph</h1><ul>{rows}</ul>"
            f'<p>Dataset description: <a href="{server}/.well-known/void">VoID / DCAT</a></p>',
            headers={"Vary": "Accept"},
        )
    return JSONResponse({"dumps": items, "void": f"{server}/.well-known/void"}, headers={"Vary": "Accept"})


@router.head("/dumps/{name}", include_in_schema=False)
@router.get("/dumps/{name}", summary="A dump of the whole graph (casegraph.nq or casegraph.trig), streamed")
def dump(name: str, request: Request) -> StreamingResponse:
    media = DUMPS.get(name)
    if media is None:
        raise HTTPException(404, f"no dump {name!r}; there are: {', '.join(DUMPS)}")
    store = app_store(request.app.state)
    return StreamingResponse(
        stream_quads(store, formats.DATASET_TYPES[media]),
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/.well-known/void", summary="VoID and DCAT description of the dataset (Turtle or JSON-LD)")
def void(request: Request, format: str | None = None) -> Response:
    chosen = formats.by_name(format) if format else formats.negotiate(request.headers.get("accept"), list(VOID_TYPES))
    if chosen not in VOID_TYPES:
        return PlainTextResponse("the dataset description is in: " + ", ".join(VOID_TYPES) + "\n", status_code=406)
    state = request.app.state
    settings: Settings = state.settings
    server = _server(request)
    store = app_store(state)
    # described once per store version (api.cache)
    triples: list[Triple] = per_store(
        store, f"void:{server}", lambda: void_description(store, settings, server, app_stats(state)["quads"])
    )
    if chosen == "text/turtle":
        body = serialize(triples, Format.TURTLE, PREFIXES)
        return Response(body, media_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"})
    expanded = json.loads(serialize(triples, Format.JSONLD) or b"[]")
    return JSONResponse(
        {"@context": JSONLD_CONTEXT, "@graph": expanded}, media_type="application/ld+json", headers={"Vary": "Accept"}
    )
