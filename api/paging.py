"""Pagination for the curated JSON lists: `limit`/`offset` query parameters, capped, and the
envelope every list answers with (total, limit, offset, items and the SPARQL files it ran)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Query

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


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
    limit: Annotated[
        int, Query(ge=1, le=MAX_LIMIT, description=f"items per page (at most {MAX_LIMIT})")
    ] = DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, description="items to skip")] = 0,
) -> Page:
    return Page(limit=limit, offset=offset)
