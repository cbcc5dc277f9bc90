"""Facet counts for the list pages: for each filter a list has, how many items each value
would keep, counted over the items the *other* filters keep (so the counts say what choosing
a value would give)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def facet(
    items: Iterable[T],
    values_of: Callable[[T], Iterable[str | None]],
    selected: str | None,
    *,
    order: str = "count",
) -> list[dict[str, Any]]:
    """[{value, count, selected}] for every value some item has (an item with several values
    counts once for each); by count (then value), or by value when `order` is "value"."""
    counts: Counter[str] = Counter()
    for item in items:
        for value in set(v for v in values_of(item) if v):
            counts[value] += 1
    if selected and selected not in counts:
        counts[selected] = 0
    if order == "value":
        keys = sorted(counts)
    elif order == "value-desc":
        keys = sorted(counts, reverse=True)
    else:
        keys = sorted(counts, key=lambda v: (-counts[v], v))
    return [{"value": v, "count": counts[v], "selected": v == selected} for v in keys]
