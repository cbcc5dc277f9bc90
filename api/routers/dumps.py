"""/dumps/: the whole graph as N-Quads and TriG, streamed; /.well-known/void: VoID + DCAT."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pyoxigraph as ox
from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response, StreamingResponse

from api import formats
from api.deps import app_stats, app_store
from api.settings import Settings
from api.void import DUMPS, JSONLD_CONTEXT, PREFIXES, void_description
from ingest.store import QuadStore
from ingest.vocab import PREFIXES as GRAPH_PREFIXES

router = APIRouter(tags=["dumps"])

# Quads serialised per chunk of the stream: big enough to keep the overhead low, small enough
# that a dump of millions of quads never sits in memory.
CHUNK = 20_000
VOID_TYPES = ("text/turtle", "application/ld+json")


def _server(request: Request) -> str:
    """The public origin (api.public): never taken from the request's Host header."""
    origin: str = request.app.state.settings.origin
    return origin


def stream_quads(store: QuadStore, fmt: ox.RdfFormat, graphs: list[str] | None = None) -> Iterator[bytes]:
    """The store graph by graph (default graph first), or only `graphs`, in chunks of at most
    CHUNK quads. In TriG a graph split over chunks appears as several blocks with the same name,
    which TriG allows. In a triple syntax (Turtle, N-Triples) the graph names are left out;
    chunks after the first write full IRIs, so their concatenation stays one valid document."""
    with_prefixes = fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.TURTLE)
    prefixes = {k: str(v) for k, v in GRAPH_PREFIXES.items()} if with_prefixes else None
    names: list[Any] = (
        [ox.DefaultGraph()] + [ox.NamedNode(g) for g in store.named_graphs()]
        if graphs is None
        else [ox.NamedNode(g) for g in graphs]
    )
    as_triples = not fmt.supports_datasets
    first = True
    for graph in names:
        batch: list[Any] = []
        for quad in store.store.quads_for_pattern(None, None, None, graph):
            batch.append(quad.triple if as_triples else quad)
            if len(batch) >= CHUNK:
                yield ox.serialize(batch, format=fmt, prefixes=prefixes if first else None) or b""
                first, batch = False, []
        if batch:
            yield ox.serialize(batch, format=fmt, prefixes=prefixes if first else None) or b""
            first = False


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
    triples: list[ox.Triple] | None = getattr(state, "void_triples", None)
    if triples is None:  # the store cannot change while served: describe it once
        triples = void_description(app_store(state), settings, server, app_stats(state)["quads"])
        state.void_triples = triples
    if chosen == "text/turtle":
        body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""
        return Response(body, media_type="text/turtle; charset=utf-8", headers={"Vary": "Accept"})
    expanded = json.loads(ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b"[]")
    return JSONResponse(
        {"@context": JSONLD_CONTEXT, "@graph": expanded}, media_type="application/ld+json", headers={"Vary": "Accept"}
    )
