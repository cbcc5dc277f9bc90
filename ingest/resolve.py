"""Entity resolution: one IRI per real person or organisation across documents.

Three layers, from automatic to reviewed:
1. The transliteration key (`ingest.names.name_key`): "Rassul Aliyev" and "Rasul Aliev" fold
   to one key, so they mint one IRI without anyone deciding anything.
2. Reviewed decisions in `data/resolver.tsv`: "same" joins names the rules cannot fold
   (short forms, a dropped suffix, a nickname); every name of a "same" group mints one IRI,
   that of the group's fullest form (`fullest_key`: the key with the most words, then the
   longest, then the smallest), so "Anna Maria Berg" wins over "Anna Berg" and "A. Berg",
   and the choice depends on the group alone, not on the order of the file. The rule reads
   keys only, so the fusion and the linked-data server apply it to the members of an
   owl:sameAs set (`ingest.ids.canonical_iri`) and pick the same survivor. The IRIs the other
   names would have had are published as `owl:sameAs` that IRI, so links minted before the
   decision still resolve. "not-same" keeps two names apart and silences their proposal.
3. Fuzzy candidates (`casegraph propose-merges`) are only listed for review, never applied.

The file is tab-separated with a header: kind, name_a, name_b, decision, reviewer, date, note.
`kind` is person or organisation; `decision` is same or not-same. A malformed line is an
error naming the file and the line. `CASEGRAPH_RESOLVER` points to another file.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from ingest.names import name_key, slug, words

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FILE = ROOT / "data" / "resolver.tsv"
COLUMNS = ("kind", "name_a", "name_b", "decision", "reviewer", "date", "note")
KINDS = ("person", "organisation")
DECISIONS = ("same", "not-same")


class ResolverFileError(Exception):
    """data/resolver.tsv (or the file CASEGRAPH_RESOLVER names) cannot be used."""


@dataclass(frozen=True)
class Decision:
    kind: str
    name_a: str
    name_b: str
    decision: str
    reviewer: str
    date: str
    note: str = ""
    line: int = 0


def key_for(kind: str, name: str) -> str:
    """The automatic key of a name: the transliteration key for people, a readable slug for
    organisations (their names are mostly English descriptions)."""
    return name_key(name) if kind == "person" else slug(name)


def resolver_path() -> Path:
    return Path(os.environ.get("CASEGRAPH_RESOLVER") or DEFAULT_FILE)


def read_decisions(path: Path) -> list[Decision]:
    """Every decision in `path`; a missing file means no decisions."""
    if not path.exists():
        return []
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ResolverFileError(f"{path}: cannot read: {exc}") from exc
    rows = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip() and not line.startswith("#")]
    if not rows:
        return []
    header = [c.strip() for c in rows[0][1].split("\t")]
    if tuple(header[: len(COLUMNS)]) != COLUMNS:
        raise ResolverFileError(f"{path}:{rows[0][0]}: the header must be: {chr(9).join(COLUMNS)}")
    decisions = []
    for n, fields in zip(
        (n for n, _ in rows[1:]),
        csv.reader((line for _, line in rows[1:]), delimiter="\t", quoting=csv.QUOTE_NONE),
        strict=True,
    ):
        fields = [f.strip() for f in fields] + [""] * (len(COLUMNS) - len(fields))
        kind, a, b, decision, reviewer, date, note = fields[: len(COLUMNS)]
        where = f"{path}:{n}"
        if kind not in KINDS:
            raise ResolverFileError(f"{where}: kind must be one of {', '.join(KINDS)}, not {kind!r}")
        if decision not in DECISIONS:
            raise ResolverFileError(f"{where}: decision must be one of {', '.join(DECISIONS)}, not {decision!r}")
        if not a or not b:
            raise ResolverFileError(f"{where}: both name_a and name_b are needed")
        if key_for(kind, a) == key_for(kind, b) and decision == "same":
            raise ResolverFileError(f"{where}: {a!r} and {b!r} already share a key; no decision is needed")
        if not reviewer:
            raise ResolverFileError(f"{where}: a reviewed decision names its reviewer")
        try:
            dt.date.fromisoformat(date)
        except ValueError as exc:
            raise ResolverFileError(f"{where}: date must be YYYY-MM-DD, not {date!r}") from exc
        decisions.append(Decision(kind, a, b, decision, reviewer, date, note, n))
    return decisions


def fullness(key: str) -> tuple[int, int, str]:
    """Sort key putting the fullest form of a name first: most words (a key is the folded
    name, words joined by "-"), then the longest, then the smallest in code-point order."""
    return (-len([w for w in key.split("-") if w]), -len(key), key)


def fullest_key(keys: Iterable[str]) -> str:
    """The canonical key of a group of keys that name one entity (ValueError if empty)."""
    return min(keys, key=fullness)


def _pair(kind: str, a: str, b: str) -> tuple[str, str]:
    low, high = sorted((a, b))
    return (f"{kind}:{low}", high)


class Resolver:
    """Reviewed decisions as groups of keys, per kind."""

    def __init__(self, decisions: list[Decision]) -> None:
        self.decisions = decisions
        self._parent: dict[tuple[str, str], tuple[str, str]] = {}
        self._canonical: dict[tuple[str, str], str] = {}
        self._apart: set[tuple[str, str]] = set()
        for d in decisions:
            ka, kb = key_for(d.kind, d.name_a), key_for(d.kind, d.name_b)
            if d.decision == "same":
                ra, rb = self._find((d.kind, ka)), self._find((d.kind, kb))
                if ra != rb:
                    self._parent[max(ra, rb)] = min(ra, rb)  # any root will do: see _canonical
            else:
                self._apart.add(_pair(d.kind, ka, kb))
        # Each group's canonical key, by root: the fullest form, whatever the file's order.
        groups: dict[tuple[str, str], list[str]] = {}
        for node in list(self._parent):
            groups.setdefault(self._find(node), []).append(node[1])
        self._canonical = {root: fullest_key(keys) for root, keys in groups.items()}
        for d in decisions:
            if d.decision == "not-same" and self.same(d.kind, d.name_a, d.name_b):
                raise ResolverFileError(
                    f"{resolver_path()}:{d.line}: {d.name_a!r} and {d.name_b!r} are decided both same and not-same"
                )

    def _find(self, node: tuple[str, str]) -> tuple[str, str]:
        self._parent.setdefault(node, node)
        while self._parent[node] != node:
            self._parent[node] = self._parent[self._parent[node]]
            node = self._parent[node]
        return node

    def canonical_key(self, kind: str, name: str) -> str:
        """The key that mints the IRI for `name`: its group's canonical key, else its own."""
        own = key_for(kind, name)
        node = (kind, own)
        if node not in self._parent:
            return own
        return self._canonical[self._find(node)]

    def same(self, kind: str, a: str, b: str) -> bool:
        return self.canonical_key(kind, a) == self.canonical_key(kind, b)

    def not_same(self, kind: str, a: str, b: str) -> bool:
        return _pair(kind, key_for(kind, a), key_for(kind, b)) in self._apart

    def decided(self, kind: str, a: str, b: str) -> bool:
        return self.same(kind, a, b) or self.not_same(kind, a, b)

    def merged_keys(self, kind: str, name: str) -> list[str]:
        """The other keys of `name`'s group (their IRIs are published as owl:sameAs)."""
        canonical = self.canonical_key(kind, name)
        return sorted(
            k
            for (kd, k) in list(self._parent)
            if kd == kind and k != canonical and self._canonical[self._find((kd, k))] == canonical
        )

    def same_as_pairs(self, kind: str) -> list[tuple[str, str]]:
        """(merged key, canonical key) for every key a reviewed decision merged."""
        pairs = []
        for kd, k in list(self._parent):
            canonical = self._canonical[self._find((kd, k))]
            if kd == kind and k != canonical:
                pairs.append((k, canonical))
        return sorted(pairs)


@lru_cache(maxsize=4)
def _resolver_for(path: str, mtime: float) -> Resolver:
    return Resolver(read_decisions(Path(path)))


def resolver() -> Resolver:
    """The decisions in force (re-read when the file changes)."""
    path = resolver_path()
    mtime = path.stat().st_mtime if path.exists() else 0.0
    return _resolver_for(str(path), mtime)


def canonical_key(kind: str, name: str) -> str:
    return resolver().canonical_key(kind, name)


def same_as_iris(kind: str, name: str, mint: Callable[[str], str]) -> list[str]:
    """IRIs (minted from keys by `mint`) that are owl:sameAs the IRI `name` mints."""
    return [mint(k) for k in resolver().merged_keys(kind, name)]


# --- fuzzy candidates (proposed, never applied) ----------------------------------------------


@dataclass(frozen=True)
class Entity:
    iri: str
    kind: str
    names: tuple[str, ...]
    documents: tuple[str, ...] = ()
    same_as: tuple[str, ...] = ()


@dataclass(frozen=True)
class Candidate:
    score: float
    kind: str
    a: Entity
    b: Entity
    names: tuple[str, str]  # the closest pair of names

    def as_dict(self) -> dict[str, object]:
        return {
            "score": round(self.score, 1),
            "kind": self.kind,
            "a": {"iri": self.a.iri, "names": list(self.a.names), "documents": list(self.a.documents)},
            "b": {"iri": self.b.iri, "names": list(self.b.names), "documents": list(self.b.documents)},
            "closest_names": list(self.names),
            "resolver_line": "\t".join(
                (self.kind, self.names[0], self.names[1], "same|not-same", "REVIEWER", "DATE", "")
            ),
        }


def name_similarity(a: str, b: str) -> float:
    """0-100: how alike two names are once folded (token order ignored), lifted when one is
    the other with a suffix dropped ("Abdul" / "Abdulov") or a first name shortened."""
    fa, fb = " ".join(words(a)), " ".join(words(b))
    if not fa or not fb:
        return 0.0
    score = float(fuzz.token_sort_ratio(fa, fb))
    ta, tb = fa.split(), fb.split()
    if len(ta) == len(tb) >= 2 and ta[0] == tb[0]:
        last_a, last_b = ta[-1], tb[-1]
        if min(len(last_a), len(last_b)) >= 3 and (last_a.startswith(last_b) or last_b.startswith(last_a)):
            score = max(score, 90.0)
    return score


def propose(entities: list[Entity], threshold: float = 85.0, decisions: Resolver | None = None) -> list[Candidate]:
    """Pairs of distinct entities of one kind whose names are alike (score >= threshold),
    best first, leaving out pairs already joined (same IRI group) or decided not-same."""
    decisions = decisions or resolver()
    out: list[Candidate] = []
    for kind in KINDS:
        group = [e for e in entities if e.kind == kind]
        names = [(i, n) for i, e in enumerate(group) for n in e.names]
        if len(group) < 2:
            continue
        folded = [" ".join(words(n)) for _, n in names]
        matrix = process.cdist(folded, folded, scorer=fuzz.token_sort_ratio, score_cutoff=min(threshold, 60.0))
        best: dict[tuple[int, int], tuple[float, str, str]] = {}
        for x, (i, na) in enumerate(names):
            for y, (j, nb) in enumerate(names):
                if j <= i or matrix[x][y] == 0:
                    continue
                score = name_similarity(na, nb)
                if score >= threshold and score > best.get((i, j), (0.0, "", ""))[0]:
                    best[(i, j)] = (score, na, nb)
        for (i, j), (score, na, nb) in best.items():
            a, b = group[i], group[j]
            if b.iri in a.same_as or a.iri in b.same_as:
                continue
            if any(decisions.not_same(kind, x, y) or decisions.same(kind, x, y) for x in a.names for y in b.names):
                continue
            out.append(Candidate(score, kind, a, b, (na, nb)))
    return sorted(out, key=lambda c: (-c.score, c.a.iri, c.b.iri))
