"""/sparql: the SPARQL 1.1 Protocol, public and read-only.

GET ?query=, POST form (query=) and POST application/sparql-query; default-graph-uri and
named-graph-uri (graphs inside the store only; without them the default graph is the union of
all graphs). Update requests are refused. The query text is bounded here; the worker parses it
with a real parser, refuses what it cannot parse, updates and SERVICE before evaluating it
(ingest.store.public.guard), and cannot reach the network in any case (ingest.store.public.sandbox).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from starlette.concurrency import run_in_threadpool

from api.access import can_read_withheld
from api.cache import known_version, store_version
from api.clients import client_of
from api.deps import app_stats, app_view, opened_view
from api.response_cache import HIT, Answers
from api.settings import Settings
from api.sparql.description import PREFIXES, service_description
from ingest.store import (
    ClientBusy,
    Job,
    PoolBusy,
    PublicQueries,
    QueryOptions,
    QueryTimeout,
    WorkerCrashed,
    public_queries,
)
from ingest.store.public import formats
from ingest.store.public.guard import QueryRefused, check_text
from ingest.store.rdf import serialize
from ingest.store.terms import IRI
from ingest.store.view import Visible

router = APIRouter(tags=["SPARQL"])

FORM = "application/x-www-form-urlencoded"
QUERY = "application/sparql-query"
UPDATE = "application/sparql-update"
READ_ONLY = "updates are not allowed: this endpoint is read-only"
# Kept SPARQL answers take this fraction of CASEGRAPH_RESPONSE_CACHE_MB (1/SPARQL_SHARE), beside
# the JSON API's and linked data's (api.response_cache).
SPARQL_SHARE = 4


def query_pool(request: Request) -> PublicQueries:
    """The app's public query service (started when the app starts, else on the first query)."""
    return start_query_pool(request.app.state)


def start_query_pool(state: Any) -> PublicQueries:
    """The store's public query service on `state` (Store protocol: the embedded backend's
    killable workers), started now if it is not yet (in the server's event loop)."""
    if state.query_pool is None:
        settings: Settings = state.settings
        state.query_pool = new_query_pool(state, getattr(state, "query_location", None) or settings.store)
    pool: PublicQueries = state.query_pool
    return pool


def new_query_pool(state: Any, location: Any) -> PublicQueries:
    """A public query service over `location`: the store, or (a server that writes, api.writes)
    the snapshot of it the workers read."""
    settings: Settings = state.settings
    options = QueryOptions(
        workers=settings.workers,
        sandbox=settings.query_sandbox,
        per_client=settings.sparql_client_limit,
        waiting_per_client=settings.sparql_waiting_per_client,
    )
    return public_queries(location, options)


def _refuse(message: str, status: int = 400) -> PlainTextResponse:
    return PlainTextResponse(message + "\n", status_code=status)


def _media_type_and_charset(header: str | None) -> tuple[str, str | None]:
    if not header:
        return "", None
    media, *params = (part.strip() for part in header.split(";"))
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"').lower()
    return media.lower(), charset


class BadRequest(Exception):
    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


async def _read_params(request: Request) -> list[tuple[str, str]]:
    """All protocol parameters: the URL's, plus a form body's, plus a direct query body."""
    params = list(request.query_params.multi_items())
    if request.method != "POST":
        return params
    media, charset = _media_type_and_charset(request.headers.get("content-type"))
    if charset not in (None, "utf-8", "utf8"):
        raise BadRequest(f"unsupported charset {charset!r}: send UTF-8", 415)
    body = await request.body()
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise BadRequest("the request body is not UTF-8") from None
    if media == FORM:
        return params + parse_qsl(text, keep_blank_values=True)
    if media == QUERY:
        return [*params, ("query", text)]
    if media == UPDATE:
        raise BadRequest(READ_ONLY, 403)
    if not media:
        raise BadRequest(f"POST needs a Content-Type: {QUERY} or {FORM}", 415)
    raise BadRequest(f"unsupported Content-Type {media!r}: use {QUERY} or {FORM}", 415)


@router.get("/sparql", summary="SPARQL 1.1 query (GET ?query=), or the service description", operation_id="sparql_get")
@router.post("/sparql", summary="SPARQL 1.1 query (form or application/sparql-query)", operation_id="sparql_post")
async def sparql(request: Request) -> Response:
    settings: Settings = request.app.state.settings
    try:
        params = await _read_params(request)
    except BadRequest as exc:
        return _refuse(str(exc), exc.status)
    names = [k for k, _ in params]
    if "update" in names or "using-graph-uri" in names or "using-named-graph-uri" in names:
        return _refuse(READ_ONLY, 403)
    queries = [v for k, v in params if k == "query"]
    if len(queries) > 1:
        return _refuse("more than one query parameter")
    if not queries:
        if request.method == "POST":
            return _refuse("no query parameter")
        return describe_service(request)
    query = queries[0]
    try:
        check_text(query, max_length=settings.max_query_length, max_depth=settings.max_query_depth)
    except QueryRefused as exc:
        return _refuse(str(exc), exc.status)

    override = request.query_params.get("format")
    media_type = formats.by_name(override)
    if override and media_type is None:
        return _refuse(f"unknown format {override!r}; use one of: {', '.join(formats.FORMAT_NAMES)}")
    default_graphs = [v for k, v in params if k == "default-graph-uri"]
    named_graphs = [v for k, v in params if k == "named-graph-uri"]
    for iri in default_graphs + named_graphs:
        try:
            IRI(iri)
        except ValueError:
            return _refuse(f"not an IRI: {iri!r}")
    # The view's graphs as last looked up, else (every CASEGRAPH_STORE_POLL seconds) off the
    # event loop: a look-up reads the store.
    seen = fresh_visible(request)
    if seen is None:
        seen = await run_in_threadpool(visible_graphs, request)
    job: Job = {
        "query": query,
        "accept": request.headers.get("accept"),
        "media_type": media_type,
        "default_graphs": default_graphs if default_graphs or named_graphs else None,
        "named_graphs": named_graphs if default_graphs or named_graphs else None,
        "row_cap": settings.row_cap,
        "byte_cap": settings.byte_cap,
        "max_depth": settings.max_query_depth,
        "base_iri": settings.origin + "/sparql",
        # the graphs the request's view shows (ingest.store.view); None: nothing is hidden
        "visible_graphs": list(seen.named),
        "union_ok": not seen.hidden,
        "visible_default": list(seen.default),
        "graphs_key": seen.key,
    }
    key = await answer_key(request, seen, job)
    answers: Answers | None = request.app.state.sparql_answers if key is not None else None
    if answers is not None and key is not None:
        found = answers.get(key)
        if found is not None:
            status, raw, body = found
            return Response(body, status_code=status, headers={k.decode(): v.decode() for k, v in [*raw, HIT]})
    retry = {"Retry-After": str(settings.retry_after)}
    try:
        outcome = await query_pool(request).run(job, settings.query_timeout, client_of(request.scope))
    except ClientBusy:
        limit, waiting = settings.sparql_client_limit, settings.sparql_waiting_per_client
        return PlainTextResponse(
            f"too many queries from this client at once: at most {limit} running and {waiting} waiting; "
            "send the next when one has been answered\n",
            status_code=429,
            headers=retry,
        )
    except QueryTimeout:
        return PlainTextResponse(
            f"query stopped: it ran longer than {settings.query_timeout:g} s\n", status_code=503, headers=retry
        )
    except PoolBusy:
        return PlainTextResponse("every query worker is busy; try again shortly\n", status_code=503, headers=retry)
    except WorkerCrashed:
        # The worker died on this query (memory, a crash in the engine): this query fails, the
        # server and every other query go on (the worker has been replaced).
        return PlainTextResponse(
            "query stopped: its worker ended while evaluating it (it may need more memory than a public "
            "query may use); the query was not answered\n",
            status_code=503,
            headers=retry,
        )
    headers = {"Vary": "Accept"}
    if outcome["truncated"]:
        headers["X-Truncated"] = "true"
        headers["X-Row-Cap"] = str(settings.row_cap)
        headers["X-Byte-Cap"] = str(settings.byte_cap)
    if outcome["status"] == 503:
        headers.update(retry)
    media = outcome["media_type"]
    if media.startswith("text/"):
        media += "; charset=utf-8"
    if answers is not None and key is not None and outcome["status"] == 200 and outcome.get("repeatable"):
        kept = [
            (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in {**headers, "Content-Type": media}.items()
        ]
        answers.put(key, 200, kept, outcome["body"])
    return Response(outcome["body"], status_code=outcome["status"], media_type=media, headers=headers)


async def answer_key(request: Request, seen: Visible, job: Job) -> tuple[str, ...] | None:
    """What a kept answer to this query is kept under (api.response_cache.Answers on
    app.state.sparql_answers), or None when its answer must not be kept: a writing server
    (its writes may hide a document, and no copy may outlive that), a token's request (it may
    read withheld documents), no cache memory. The key holds the store's version (a new
    document retires every kept answer within CASEGRAPH_STORE_POLL seconds, as it does the
    ETags), the view's graphs and everything of the request the answer depends on. Whether
    the answer is kept at all is the worker's word (Outcome.repeatable: no NOW(), RAND()...).
    A kept answer is one a worker gave under every check and limit; the guard's text checks
    still run on every request before the look-up."""
    state = request.app.state
    if getattr(state, "writer", None) is not None or can_read_withheld(request):
        return None
    if getattr(state, "sparql_answers", None) is None:
        state.sparql_answers = Answers(state.settings.response_cache_mb * 1024 * 1024 // SPARQL_SHARE)
    view = opened_view(state)
    if state.sparql_answers.limit <= 0 or view is None:
        return None
    version = known_version(view)
    if version is None:
        version = await run_in_threadpool(store_version, view)
    return (
        seen.key,
        version,
        job["query"],
        job["accept"] or "",
        job["media_type"] or "",
        "\x1f".join(job["default_graphs"] or ()),
        "\x1f".join(job["named_graphs"] or ()),
    )


def visible_graphs(request: Request) -> Visible:
    """The graphs the request's view lets a query read (ingest.store.view.Visible: the named
    ones, the default graph's, whether the store hides others)."""
    return app_view(request.app.state, full=can_read_withheld(request)).visible()


def fresh_visible(request: Request) -> Visible | None:
    """visible_graphs when the view has them without reading the store now, else None."""
    view = opened_view(request.app.state, full=can_read_withheld(request))
    return view.visible_if_fresh() if view is not None else None


def describe_service(request: Request) -> Response:
    accept = request.headers.get("accept")
    chosen = formats.negotiate(accept, list(formats.GRAPH_TYPES), formats.GRAPH_ALIASES)
    if chosen is None:
        return _refuse("no acceptable format; the service description is in: " + ", ".join(formats.GRAPH_TYPES), 406)
    stats: dict[str, Any] = app_stats(request.app.state, full=can_read_withheld(request))
    origin = request.app.state.settings.origin  # never the Host header (api.public)
    endpoint, void = origin + "/sparql", origin + "/.well-known/void"
    triples = service_description(endpoint, void, triples=stats["quads"])
    body = serialize(triples, formats.GRAPH_TYPES[chosen], PREFIXES)
    media = chosen + ("; charset=utf-8" if chosen.startswith("text/") else "")
    return Response(body, media_type=media, headers={"Vary": "Accept"})
