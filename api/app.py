"""The app factory: `create_app(settings)` builds a FastAPI app over one store.

The store is opened read-only on first use (api.deps.get_store) and the SPARQL worker pool is
started on the first query; both are closed when the app shuts down (lifespan).

Every request passes, outermost first: SecurityHeaders (api.security: CSP, nosniff, no
framing, on every answer, refusals included), CORS, PublicOrigin (api.public: the request is
seen as addressed to the configured public URL, whatever Host it sent), ClientLimits
(api.limits: who the client is, and its request rate), Authentication (api.auth: the bearer
token, if any, and the scopes it grants), BodyLimits (api.bodies: size and time of the request
body; uploads have their own, larger cap), then the routers. The request head's deadline is in the HTTP protocol
itself (api.serving), which `casegraph serve` runs."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from api.auth import Authentication, AuthError, auth_error_response
from api.bodies import UPLOAD_ROUTES, BodyLimits
from api.clients import ClientIdentity, ClientKey
from api.etag import StoreETags
from api.head import with_head
from api.limits import ClientLimits, TokenBuckets
from api.public import PublicOrigin
from api.response_cache import ResponseCache
from api.security import HEADERS, SWAGGER_CDN, SecurityHeaders
from api.settings import Settings
from api.templating import env
from api.writes import WritesOff
from ingest.store import StoreError
from ingest.tokens import TokenFile, tokens_path_for

# Router modules under api/routers/, each exposing `router`. Order matters only where paths overlap.
ROUTERS = (
    "health",
    "sparql",
    "dumps",
    "persons",
    "organisations",
    "events",
    "documents",
    "conflicts",
    "proceedings",
    "passages",
    "changes",
    "writes",
    "reconcile",
    "linked_data",
    "pages",
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    import asyncio

    from api.routers.sparql import start_query_pool

    if app.state.settings.writable:
        from api.deps import app_store
        from api.writes import Writer

        app.state.writer = Writer(app.state, app_store(app.state))
        app.state.writer.start(asyncio.get_running_loop())  # before the pool: it reads a snapshot
    start_query_pool(app.state)  # the workers start with the server, not on the first query
    try:
        yield
    finally:
        close_app(app)


def close_app(app: FastAPI) -> None:
    """Stop the job thread and the query workers and close the store (safe to call twice)."""
    writer = getattr(app.state, "writer", None)
    if writer is not None:
        writer.stop()
        app.state.writer = None
    pool = getattr(app.state, "query_pool", None)
    if pool is not None:
        pool.close()
        app.state.query_pool = None
    for name in ("passages", "public_passages"):
        passages = getattr(app.state, name, None)
        if passages is not None:
            passages.close()
            setattr(app.state, name, None)
    app.state.public_view = app.state.full_view = None
    store = getattr(app.state, "store", None)
    if store is not None:
        store.close()
        app.state.store = None


def create_app(settings: Settings | None = None, client_key: ClientKey | None = None) -> FastAPI:
    """The app over `settings.store`. `client_key` overrides the key function that
    Settings.client_key names (api.clients)."""
    settings = settings or Settings.from_env()
    identity = ClientIdentity(settings, client_key)  # raises ValueError for an unknown key name
    app = FastAPI(
        title="CaseGraph",
        version=settings.version,
        description="A knowledge graph of human-rights cases: SPARQL endpoint, linked data, dumps, JSON API and pages.",
        lifespan=lifespan,
        docs_url=None,  # our own /docs below: FastAPI's has an inline script
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.store = None
    app.state.query_pool = None
    app.state.passages = None
    app.state.writer = None
    app.state.public_passages = None
    app.state.public_view = None
    app.state.full_view = None
    app.state.sparql_answers = None  # kept SPARQL answers (api.routers.sparql.answer_key)
    # add_middleware puts each one outside those added before: innermost first.
    # Whole public answers kept by the store's version (api.response_cache), inside the ETags
    # so a kept answer is tagged like a fresh one.
    app.add_middleware(ResponseCache, state=app.state, limit=settings.response_cache_mb * 1024 * 1024)
    # ETags keyed by the store's version (api.etag): a 304 skips the route and the cache.
    app.add_middleware(StoreETags, state=app.state)
    app.add_middleware(
        BodyLimits,
        max_body=settings.max_body,
        timeout=settings.body_timeout,
        uploads=UPLOAD_ROUTES,
        max_upload=settings.max_upload,
    )
    app.state.tokens = TokenFile(settings.tokens or tokens_path_for(settings.store))
    failures = TokenBuckets(settings.auth_failure_rate, settings.auth_failure_burst)
    app.add_middleware(Authentication, tokens=app.state.tokens, failures=failures)
    buckets = TokenBuckets(settings.rate_limit, settings.rate_burst) if settings.rate_limit else None
    app.add_middleware(ClientLimits, identity=identity, buckets=buckets)
    app.add_middleware(PublicOrigin, origin=settings.origin)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "PUT", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["X-Truncated", "X-Row-Cap", "X-Byte-Cap", "Retry-After", "Link", "ETag"],
    )
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception) -> PlainTextResponse:
        # Answered outside the middlewares (Starlette's last resort), so it carries the
        # security headers itself.
        return PlainTextResponse("internal server error\n", status_code=500, headers=HEADERS)

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(env.get_template("docs.html").render(cdn=SWAGGER_CDN))

    @app.exception_handler(AuthError)
    async def auth_error(request: Request, exc: AuthError) -> Response:
        return auth_error_response(exc)

    @app.exception_handler(WritesOff)
    async def writes_off(request: Request, exc: WritesOff) -> JSONResponse:
        from api.routers.writes import writes_off_response

        return writes_off_response()

    @app.exception_handler(StoreError)
    async def store_unavailable(request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse(
            {"error": "store unavailable", "detail": str(exc)},
            status_code=503,
            headers={"Retry-After": str(settings.retry_after)},
        )

    for name in ROUTERS:
        module = importlib.import_module(f"api.routers.{name}")
        app.include_router(with_head(module.router))
    return app
