"""The app factory: `create_app(settings)` builds a FastAPI app over one store.

The store is opened read-only on first use (api.deps.get_store) and the SPARQL worker pool is
started on the first query; both are closed when the app shuts down (lifespan)."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse

from api.head import with_head
from api.settings import Settings
from ingest.store import StoreError

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
    "linked_data",
    "pages",
)


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    try:
        yield
    finally:
        close_app(app)


def close_app(app: FastAPI) -> None:
    """Stop the query workers and close the store (safe to call twice)."""
    pool = getattr(app.state, "query_pool", None)
    if pool is not None:
        pool.close()
        app.state.query_pool = None
    passages = getattr(app.state, "passages", None)
    if passages is not None:
        passages.close()
        app.state.passages = None
    store = getattr(app.state, "store", None)
    if store is not None:
        store.close()
        app.state.store = None


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="CaseGraph",
        version=settings.version,
        description="A knowledge graph of human-rights cases: SPARQL endpoint, linked data, dumps, JSON API and pages.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.store = None
    app.state.query_pool = None
    app.state.passages = None
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(settings.cors_origins),
        allow_methods=["GET", "POST", "HEAD", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["X-Truncated", "X-Row-Cap", "Retry-After", "Link"],
    )

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
