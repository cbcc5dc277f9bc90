"""/health: is the store reachable, how much does it hold, which version serves it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from api.access import can_read_withheld
from api.deps import app_stats
from api.settings import Settings
from ingest.store import StoreError

router = APIRouter(tags=["service"])


@router.get("/health", summary="Service health: store reachable, quads, graphs, version")
def health(request: Request) -> JSONResponse:
    settings: Settings = request.app.state.settings
    body: dict[str, Any] = {"version": settings.version, "store": str(settings.store)}
    pool = request.app.state.query_pool
    counts = pool.health() if pool else {"alive": 0, "busy": 0, "waiting": 0, "killed_at_deadline": 0}
    body["query_workers"] = {"started": pool is not None, **counts}
    try:
        stats = app_stats(request.app.state, full=can_read_withheld(request))
    except StoreError as exc:
        body.update(status="unavailable", detail=str(exc))
        return JSONResponse(body, status_code=503, headers={"Retry-After": str(settings.retry_after)})
    body.update(status="ok", quads=stats["quads"], graphs=stats["graphs"])
    full = can_read_withheld(request)
    index = getattr(request.app.state, "passages" if full else "public_passages", None)
    if index is not None:  # opened by the first search: where it came from, and its size
        documents, passages = index.counts()
        source = getattr(request.app.state, "full_passages_source" if full else "passages_source", None)
        body["passage_index"] = {"source": source, "documents": documents, "passages": passages}
    return JSONResponse(body)
