"""Conflicts as curated JSON: each disagreement with every value, the documents that state it
and their quotes.

Rows come from api/queries/conflicts.rq (one per stated value and source) and are grouped
here: a conflict -> its distinct values -> the sources behind each value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from api.curated.common import TYPE_OF_CLASS, Ctx, best_label
from api.fused.common import fused_bindings
from ingest.store import Store
from ingest.store.terms import IRI
from ingest.vocab import BASE, CG, EVENT_CLASS

NO_QUOTE = "curated facts: the source states this value but no quote was recorded"
RESOLUTION_NAME = {
    str(CG.MajorityValue): "majority",
    str(CG.NoMajority): "no-majority",
    str(CG.EarliestOfTie): "earliest-of-tie",
}
_KIND_OF_CLASS = {str(CG.Person): "person", str(CG.Organisation): "organisation"}


def _ctx(where: Ctx | Store) -> Ctx:
    return where if isinstance(where, Ctx) else Ctx(where, BASE)


def _local(iri: str | None) -> str | None:
    return iri[len(str(CG)) :] if iri and iri.startswith(str(CG)) else iri


def _group(ctx: Ctx, rows: Iterable[dict[str, str | None]]) -> list[dict[str, Any]]:
    conflicts: dict[str, dict[str, Any]] = {}
    labels: dict[str, set[str]] = {}
    for r in rows:
        iri = r["conflict"] or ""
        about = r["about"] or ""
        c = conflicts.get(iri)
        if c is None:
            about_class = r["aboutClass"]
            kind = _KIND_OF_CLASS.get(about_class or "", "event")
            c = conflicts[iri] = {
                "iri": iri,
                "id": (ctx.key(iri) or iri).rsplit("/", 1)[-1],
                "about": ctx.ref(about),
                "about_kind": kind,
                "event_type": TYPE_OF_CLASS.get(about_class or "") if kind == "event" else None,
                "property": _local(r["property"]),
                "resolution": RESOLUTION_NAME.get(r["resolution"] or "", "no-majority"),
                "chosen": set(),
                "earliest": r["earliest"],
                "latest": r["latest"],
                "_values": {},
            }
            labels[iri] = set()
        if r["aboutLabel"]:
            labels[iri].add(r["aboutLabel"])
        if r["chosen"]:
            c["chosen"].add(r["chosen"])
        statement = c["_values"].setdefault(
            r["cv"],
            {
                "values": set(),
                "label": r["valueLabel"],
                "document": ctx.ref(r["doc"] or "", r["file"]),
                "claim": r["claim"],
                "quotes": set(),
                "less_precise": r["lessPrecise"] == "true",
            },
        )
        statement["values"].add(r["value"] or "")
        if r["quote"]:
            statement["quotes"].add(r["quote"])
    out = []
    for iri, c in conflicts.items():
        c["about"]["label"] = best_label(sorted(labels[iri])) or c["about"]["label"]
        chosen = frozenset(c.pop("chosen"))
        by_value: dict[frozenset[str], dict[str, Any]] = {}
        for st in c.pop("_values").values():
            key = frozenset(st["values"])
            v = by_value.setdefault(
                key,
                {
                    "value": sorted(key)[0] if len(key) == 1 else sorted(key),
                    "label": st["label"],
                    "chosen": bool(chosen) and key == chosen,
                    "less_precise": st["less_precise"],
                    "sources": [],
                },
            )
            v["sources"].append(
                {
                    "document": st["document"],
                    "claim": st["claim"],
                    "quotes": sorted(st["quotes"]),
                    "note": None if st["quotes"] else NO_QUOTE,
                }
            )
        values = sorted(by_value.values(), key=lambda v: (v["less_precise"], -len(v["sources"]), str(v["value"])))
        for v in values:
            v["sources"].sort(key=lambda s: s["document"]["label"])
            v["support"] = len(v["sources"])
        c["values"] = values
        c["chosen"] = next((v["value"] for v in values if v["chosen"]), None)
        out.append(c)
    return out


def find_conflicts(
    where: Ctx | Store,
    *,
    person: str | None = None,
    event_type: str | None = None,
    prop: str | None = None,
) -> list[dict[str, Any]]:
    """Every conflict matching the filters: `person` an IRI, `event_type` a FORMAT.md type
    ("transfer"), `prop` a property local name ("date"). Ordered by date, then IRI."""
    ctx = _ctx(where)
    bindings = fused_bindings(person=person, wantedClass=str(EVENT_CLASS[event_type]) if event_type else None)
    if prop:
        bindings["property"] = IRI(str(CG[prop]))
    return _group(ctx, ctx.run("conflicts.rq", bindings))


def conflicts_for_person(where: Ctx | Store, person_iri: str) -> list[dict[str, Any]]:
    """The conflicts about a person or about an event that concerns them (for the person's
    timeline and page)."""
    return find_conflicts(where, person=person_iri)
