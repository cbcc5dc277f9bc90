"""SPARQL kept as files: `load("people")` reads ingest/queries/people.rq."""

from __future__ import annotations

from functools import cache
from pathlib import Path

QUERY_DIR = Path(__file__).parent / "queries"
SEPARATOR = "\x1f"


@cache
def load(name: str) -> str:
    return (QUERY_DIR / f"{name}.rq").read_text(encoding="utf-8")


def split(value: str | None) -> list[str]:
    return sorted(v for v in (value or "").split(SEPARATOR) if v)
