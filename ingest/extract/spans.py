"""A set of text spans with fast overlap and containment queries (spans are short, documents
may be long: queries look only at spans starting within the longest span's length)."""

from __future__ import annotations

from bisect import bisect_left, insort


class Spans:
    def __init__(self, spans: list[tuple[int, int]] | None = None) -> None:
        self._items: list[tuple[int, int]] = sorted(spans or [])
        self._longest = max((e - s for s, e in self._items), default=0)

    def add(self, start: int, end: int) -> None:
        insort(self._items, (start, end))
        self._longest = max(self._longest, end - start)

    def near(self, start: int, end: int) -> list[tuple[int, int]]:
        lo = bisect_left(self._items, (start - self._longest, -1))
        hi = bisect_left(self._items, (end, -1))
        return self._items[lo:hi]

    def overlaps(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.near(start, end))

    def covers(self, start: int, end: int) -> bool:
        """Some span contains [start, end)."""
        return any(s <= start and end <= e for s, e in self.near(start, end))

    def containing(self, start: int, end: int) -> list[tuple[int, int]]:
        return [(s, e) for s, e in self.near(start, end) if s <= start and end <= e]
