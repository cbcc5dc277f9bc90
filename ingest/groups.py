"""Groups of things joined pairwise (owl:sameAs pairs, events of one proceeding): a small
union-find whose roots are the smallest member, so the result never depends on pair order."""

from __future__ import annotations

from collections.abc import Iterable


class Groups:
    def __init__(self, members: Iterable[str] = ()) -> None:
        self.parent: dict[str, str] = {m: m for m in members}

    def find(self, x: str) -> str:
        parent = self.parent
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]  # path halving keeps later finds short
            x = parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        ra, rb = sorted((self.find(a), self.find(b)))
        if ra != rb:
            self.parent[rb] = ra

    def groups(self) -> list[list[str]]:
        """Every group (members in the order first seen), groups in the order of their root."""
        out: dict[str, list[str]] = {}
        for x in list(self.parent):
            out.setdefault(self.find(x), []).append(x)
        return [out[root] for root in sorted(out)]
