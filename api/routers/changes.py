"""/api/changes: the partners' feed. What happened to the public graph since a time or since the
last page, in order (ingest.changes keeps the log): documents added, replaced and withdrawn,
with their graph IRIs, times, content hashes and the per-graph dump to fetch. A mirror applies
each entry (fetch the dump of an added or replaced graph, drop a withdrawn or removed one) and
keeps `next` for its next pull."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response

from api.deps import app_store, get_settings
from api.settings import Settings
from api.tabular import tabular, wants_csv
from ingest import changes as log

router = APIRouter(prefix="/api", tags=["changes"])

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
# The position before every entry: where a pull without `since` starts.
START = ("0001-01-01T00:00:00.000000Z", "")


class BadParameter(ValueError):
    def __init__(self, name: str, problem: str) -> None:
        super().__init__(f"{name}: {problem}")
        self.name = name


def position(since: str | None) -> tuple[str, str]:
    """Where the page starts: after a cursor the feed gave, or at an ISO 8601 time (UTC when it
    names no zone), or at the beginning."""
    if since is None or not since.strip():
        return START
    text = since.strip()
    if text[:4].isdigit() and text[4:5] == "-":
        try:
            when = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            raise BadParameter("since", f"{since!r} is not an ISO 8601 time (like 2000-01-01T00:00:00Z)") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        if when.year < 2:
            return START
        return log.stamp(when), ""
    try:
        return log.decode_cursor(text)
    except ValueError:
        raise BadParameter(
            "since", f"{since!r} is neither an ISO 8601 time nor a cursor this feed gave (`next`)"
        ) from None


def page_size(limit: str | None) -> int:
    if limit is None or not limit.strip():
        return DEFAULT_LIMIT
    try:
        value = int(limit)
    except ValueError:
        raise BadParameter("limit", f"{limit!r} is not a whole number") from None
    if not 1 <= value <= MAX_LIMIT:
        raise BadParameter("limit", f"must be from 1 to {MAX_LIMIT}, not {value}")
    return value


def entry(change: log.Change, settings: Settings) -> dict[str, Any]:
    """One change as the feed shows it: a withdrawn or removed graph without its content."""
    item: dict[str, Any] = {"time": change.time, "kind": change.kind, "graph": change.graph}
    if change.kind in ("added", "replaced"):
        item["document"] = change.document
        item["hash"] = change.hash
        prefix = f"{settings.base_iri}id/graph/"
        graph_id = change.graph[len(prefix) :] if change.graph.startswith(prefix) else None
        item["dump"] = f"{settings.origin}/dumps/graph/{graph_id}.nq" if graph_id else None
    item["cursor"] = change.cursor
    return item


@router.get(
    "/changes",
    summary="What changed in the public graph since a time or a cursor: documents added, replaced, withdrawn",
    response_model=None,
)
def changes(
    request: Request,
    settings: Annotated[Settings, Depends(get_settings)],
    since: Annotated[
        str | None,
        Query(max_length=200, description="an ISO 8601 time (2000-01-01T00:00:00Z) or the `next` of the last page"),
    ] = None,
    limit: Annotated[str | None, Query(max_length=20, description=f"entries per page (1-{MAX_LIMIT})")] = None,
) -> Response:
    try:
        after = position(since)
        size = page_size(limit)
    except BadParameter as exc:
        return JSONResponse({"error": str(exc), "parameter": exc.name}, status_code=400)
    # The log is an internal graph, read from the store itself; only public entries are shown.
    found = log.entries(app_store(request.app.state), after, size + 1, public_only=True)
    page, more = found[:size], len(found) > size
    next_at = page[-1].cursor if page else log.encode_cursor(after[0], after[1] or "0" * 16)
    data = {
        "changes": [entry(c, settings) for c in page],
        "next": next_at,
        "more": more,
        "limit": size,
    }
    response = tabular(request, "changes", data, items_key="changes")
    if wants_csv(request):
        response.headers["X-Next-Cursor"] = next_at
        if more:
            response.headers["Link"] = f'<{request.url.path}?since={next_at}&limit={size}&format=csv>; rel="next"'
    return response
