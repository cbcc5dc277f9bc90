"""Name search tolerant of transliteration and spelling: "Aliev" finds "Aliyev".

Both the query and every name go through the same transliteration key (ingest.names), so
romanisation variants compare equal; rapidfuzz then scores what is left (typos, partial names).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from rapidfuzz import fuzz

from ingest.names import name_key

# A name matches when its score reaches this (0-100).
THRESHOLD = 80


@lru_cache(maxsize=65536)
def _tokens(text: str) -> tuple[str, ...]:
    # Cached: the same names are folded on every search, and folding runs many regexes.
    key = name_key(text)
    return () if key == "unnamed" else tuple(key.split("-"))


def score(query: str, name: str) -> float:
    """How well `name` answers `query`: 100 when every query word is (the start of) a word of
    the name after folding, else rapidfuzz's token-set ratio of the folded forms."""
    q, n = _tokens(query), _tokens(name)
    if not q or not n:
        return 0.0
    if all(any(w.startswith(t) for w in n) for t in q):
        return 100.0
    return float(fuzz.token_set_ratio(" ".join(q), " ".join(n)))


def best_score(query: str, names: list[str]) -> float:
    return max((score(query, n) for n in names), default=0.0)


def ranked(
    entries: Iterable[dict[str, Any]], q: str | None, keep: Callable[[dict[str, Any]], bool]
) -> list[dict[str, Any]]:
    """Index entries that `keep` accepts and, when `q` is given, whose names match it (with
    their `score`), best match first, then the most documented, then by label and IRI."""
    items = []
    for entry in entries:
        if not keep(entry):
            continue
        item = dict(entry)
        if q:
            match = best_score(q, entry["names"])
            if match < THRESHOLD:
                continue
            item["score"] = round(match, 1)
        items.append(item)
    items.sort(key=lambda i: (-(i.get("score") or 0), -i["documents"], i["label"].casefold(), i["iri"]))
    return items
