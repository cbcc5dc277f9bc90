"""Number words (ingest/data/number_words.yaml): one table for every reader of counts."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

FILE = Path(__file__).parent / "data" / "number_words.yaml"


@lru_cache(maxsize=1)
def _table() -> dict[str, object]:
    data = yaml.safe_load(FILE.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


@lru_cache(maxsize=1)
def cardinals() -> dict[str, int]:
    """'two' -> 2, ... : the words that are numbers."""
    table = _table().get("cardinals") or {}
    assert isinstance(table, dict)
    return {str(word): int(value) for word, value in table.items()}


@lru_cache(maxsize=1)
def counts() -> dict[str, int]:
    """The cardinals and the articles that count one ('a year later')."""
    articles = _table().get("counting_articles") or []
    assert isinstance(articles, list)
    return {**cardinals(), **{str(a): 1 for a in articles}}
