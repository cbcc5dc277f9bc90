"""Pagination for the curated JSON lists: `limit`/`offset` query parameters, capped, and the
envelope every list answers with (total, limit, offset, items and the SPARQL files it ran)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import HTTPException, Query, Request

DEFAULT_LIMIT = 50
MAX_LIMIT = 500
# A CSV export (api.tabular) is one file: without a `limit` it holds the whole list, up to this.
EXPORT_LIMIT = 10_000


@dataclass(frozen=True)
class Page:
    limit: int
    offset: int

    def envelope(self, items: Sequence[Any], queries: Sequence[str], **extra: Any) -> dict[str, Any]:
        """The page of `items` (all matches, in order) as the list response."""
        return {
            "total": len(items),
            "limit": self.limit,
            "offset": self.offset,
            "items": list(items[self.offset : self.offset + self.limit]),
            "queries": list(queries),
            **extra,
        }


def page_params(
    request: Request,
    limit: Annotated[
        int | None,
        Query(
            ge=1,
            le=EXPORT_LIMIT,
            description=f"items per page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}; "
            f"CSV: default and at most {EXPORT_LIMIT})",
        ),
    ] = None,
    offset: Annotated[int, Query(ge=0, description="items to skip")] = 0,
) -> Page:
    from api.tabular import wants_csv

    csv = wants_csv(request)
    if limit is None:
        limit = EXPORT_LIMIT if csv else DEFAULT_LIMIT
    elif limit > MAX_LIMIT and not csv:
        raise HTTPException(422, f"limit {limit} is over {MAX_LIMIT} (a CSV export may take up to {EXPORT_LIMIT})")
    return Page(limit=limit, offset=offset)
