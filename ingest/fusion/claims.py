"""Read what the document graphs state, as plain claims, with SPARQL.

A claim is one event as one document states it. People are mapped to one representative
IRI per owl:sameAs group, so two documents that name one person differently (and were
reviewed as the same) share subjects.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from ingest.fusion.rules import Rules
from ingest.fusion.values import Statement, Value
from ingest.ids import canonical_iri
from ingest.queries import load
from ingest.store import Store
from ingest.vocab import CG, EVENT_CLASS, STATUS, invert

_EVENT_TYPE = invert(EVENT_CLASS)  # type: ignore[arg-type]
_STATUS = invert(STATUS)  # type: ignore[arg-type]
XSD = "http://www.w3.org/2001/XMLSchema#"
# Properties stored under another name that mean the same argument (an affiliation the
# document names without listing the organisation is kept as text).
_SYNONYMS = {"affiliationName": "affiliation"}


@dataclass
class Claim:
    """One event as one document states it."""

    iri: str
    graph: str
    document: str
    type: str
    status: str
    subjects: frozenset[str] = frozenset()
    date: str | None = None
    arguments: dict[str, list[Value]] = field(default_factory=dict)  # property -> values
    quotes: tuple[str, ...] = ()

    def value(self, prop: str) -> Value | None:
        """The one value of a single-valued argument; a set value for provisions."""
        values = self.arguments.get(prop) or []
        return values[0] if values else None


@dataclass
class EntityView:
    """What one document says about one person or organisation."""

    entity: str  # representative IRI (after owl:sameAs)
    stated_as: str  # the IRI the document uses
    kind: str  # "person" | "organisation"
    name: str
    graph: str
    document: str
    properties: dict[str, list[Value]] = field(default_factory=dict)
    quotes: tuple[str, ...] = ()


class SameAs:
    """owl:sameAs groups (union-find); the representative of a group is the IRI of its
    fullest form (ingest.ids.canonical_iri), the one minting gave every name of a reviewed
    group and the one the linked-data server serves."""

    def __init__(self, pairs: list[tuple[str, str]]) -> None:
        parent: dict[str, str] = {}

        def root(iri: str) -> str:
            while iri in parent:
                iri = parent[iri]
            return iri

        for a, b in pairs:
            ra, rb = root(a), root(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
        groups: dict[str, list[str]] = {}
        for iri in {x for pair in pairs for x in pair}:
            groups.setdefault(root(iri), []).append(iri)
        self.representative = {iri: canonical_iri(members) for members in groups.values() for iri in members}

    def find(self, iri: str) -> str:
        return self.representative.get(iri, iri)


def _local(iri: str) -> str:
    return iri[len(str(CG)) :] if iri.startswith(str(CG)) else iri


def _value(row: dict[str, str | None]) -> Value:
    o = row["o"] or ""
    is_iri = o.startswith(("http://", "https://", "urn:"))
    return Value(key=o, label=row.get("label") or o, is_iri=is_iri)


def _provisions(rows: list[dict[str, str | None]]) -> Value:
    """A set of provisions as one value (agreement is on code and article)."""
    parts = sorted(
        {
            (
                r["o"] or "",
                r.get("label") or r["o"] or "",
                " ".join(x for x in (r.get("code"), r.get("article")) if x).casefold() or (r["o"] or "").casefold(),
            )
            for r in rows
        }
    )
    return Value(
        key="|".join(p[0] for p in parts),
        label="; ".join(p[1] for p in parts),
        is_iri=True,
        parts=tuple(parts),
    )


def read_quotes(store: Store) -> dict[tuple[str, str], tuple[str, ...]]:
    quotes: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in store.select(load("fusion_quotes"), union=False):
        key = (r["g"] or "", r["node"] or "")
        if r["quote"] and r["quote"] not in quotes[key]:
            quotes[key].append(r["quote"])
    return {k: tuple(v) for k, v in quotes.items()}


def read_same_as(store: Store) -> SameAs:
    return SameAs([(r["a"] or "", r["b"] or "") for r in store.select(load("fusion_same_as"))])


def read_claims(
    store: Store, rules: Rules, same_as: SameAs, quotes: dict[tuple[str, str], tuple[str, ...]]
) -> list[Claim]:
    rows_by_event: dict[tuple[str, str], list[dict[str, str | None]]] = defaultdict(list)
    for r in store.select(load("fusion_claims"), union=False):
        rows_by_event[(r["g"] or "", r["event"] or "")].append(r)
    claims = []
    for (graph, event), rows in sorted(rows_by_event.items()):
        event_type = _EVENT_TYPE.get(rows[0]["class"] or "", "other")
        by_prop: dict[str, list[dict[str, str | None]]] = defaultdict(list)
        for r in rows:
            by_prop[_local(r["p"] or "")].append(r)
        status = _STATUS.get(by_prop["status"][0]["o"] or "", "occurred") if by_prop.get("status") else "occurred"
        claim = Claim(
            iri=event,
            graph=graph,
            document=rows[0]["doc"] or "",
            type=event_type,
            status=status,
            subjects=frozenset(same_as.find(r["o"] or "") for r in by_prop.get("subject", [])),
            date=(by_prop["date"][0]["o"] if by_prop.get("date") else None),
            quotes=quotes.get((graph, event), ()),
        )
        for prop, kind in rules.event_properties.items():
            prop_rows = by_prop.get(prop)
            if not prop_rows or prop == "date":
                continue
            if kind == "provisions":
                claim.arguments[prop] = [_provisions(prop_rows)]
            else:
                values = sorted({_value(r) for r in prop_rows})
                if kind == "entity":
                    values = [Value(same_as.find(v.key), v.label, v.is_iri) for v in values]
                claim.arguments[prop] = values
        claims.append(claim)
    return claims


def read_entities(
    store: Store, rules: Rules, same_as: SameAs, quotes: dict[tuple[str, str], tuple[str, ...]]
) -> list[EntityView]:
    views: dict[tuple[str, str], EntityView] = {}
    for r in store.select(load("fusion_entities"), union=False):
        graph, stated = r["g"] or "", r["entity"] or ""
        kind = r["kind"] or "person"
        view = views.get((graph, stated))
        if view is None:
            view = views[(graph, stated)] = EntityView(
                entity=same_as.find(stated),
                stated_as=stated,
                kind=kind,
                name=r["name"] or stated,
                graph=graph,
                document=r["doc"] or "",
                quotes=quotes.get((graph, stated), ()),
            )
        prop = _local(r["p"] or "")
        prop = _SYNONYMS.get(prop, prop)
        if prop not in rules.entity_properties.get(kind, {}):
            continue
        value = _value(r)
        if rules.entity_properties[kind][prop] == "entity":
            value = Value(same_as.find(value.key), value.label, value.is_iri)
        if value not in view.properties.setdefault(prop, []):
            view.properties[prop].append(value)
    return [views[k] for k in sorted(views)]


def statements_for(claims: list[Claim], prop: str) -> list[Statement]:
    """Each claim's stated value of `prop` (dates included) as statements."""
    out = []
    for c in claims:
        if prop == "date":
            if c.date:
                out.append(Statement(Value(c.date, c.date, datatype=_date_type(c.date)), c.document, c.iri, c.quotes))
            continue
        for v in c.arguments.get(prop, []):
            out.append(Statement(v, c.document, c.iri, c.quotes))
    return out


def _date_type(iso: str) -> str:
    return XSD + {10: "date", 7: "gYearMonth", 4: "gYear"}[len(iso)]
