"""Canonical events as curated JSON: agreed values, the sources behind each, and which
properties are disputed. Rows from api/queries/fused_events.rq and fused_event_claims.rq."""

from __future__ import annotations

from typing import Any

from api.curated.common import OUTCOME_NAME, STATUS_NAME, TYPE_OF_CLASS, TYPE_ORDER, Ctx, best_label
from api.fused.common import fused_bindings
from ingest.vocab import CG

# Fused-graph property -> JSON field; list fields may hold several values.
_FIELDS = {
    "subject": "subjects",
    "actor": "authority",
    "judge": "judge",
    "place": "place",
    "fromLocation": "from",
    "toLocation": "to",
    "provision": "provisions",
    "replaces": "replaces",
}
_LIST_FIELDS = ("subjects", "provisions", "replaces", "authority", "judge", "place", "from", "to")


def fused_events(ctx: Ctx, *, proceeding: str | None = None, person: str | None = None) -> list[dict[str, Any]]:
    """Canonical events (all, one proceeding's, or one person's) in date order; undated last."""
    bindings = fused_bindings(inProceeding=proceeding, person=person)
    events: dict[str, dict[str, Any]] = {}
    labels: dict[tuple[str, str], set[str]] = {}
    for r in ctx.run("fused_events.rq", bindings):
        iri = r["event"] or ""
        e = events.get(iri)
        if e is None:
            e = events[iri] = {
                **ctx.ref(iri, r["label"]),
                "type": TYPE_OF_CLASS.get(r["eventClass"] or "", "other"),
                "status": STATUS_NAME.get(r["status"] or "", "occurred"),
                "date": None,
                "earliest": r["earliest"],
                "latest": r["latest"],
                "proceeding": ctx.ref(r["proceeding"]) if r["proceeding"] else None,
                "penalty": None,
                "outcome": None,
                "disputed": set(),
                **{f: [] for f in _LIST_FIELDS},
                "sources": [],
            }
        prop = (r["p"] or "")[len(str(CG)) :]
        value = r["o"] or ""
        if prop == "date":
            e["date"] = value
        elif prop == "penalty":
            e["penalty"] = value
        elif prop == "outcome":
            e["outcome"] = OUTCOME_NAME.get(value, value)
        elif prop == "penaltyPart":
            continue  # read with their sources below (fused_penalty_parts.rq)
        elif prop == "hasConflict":
            e["disputed"].add(value)
        elif prop in _FIELDS:
            field = _FIELDS[prop]
            if value not in [x["iri"] for x in e[field]]:
                e[field].append(ctx.ref(value))
            if r["oLabel"]:
                labels.setdefault((iri, value), set()).add(r["oLabel"])
    for e in events.values():
        for field in _LIST_FIELDS:
            for ref in e[field]:
                ref["label"] = best_label(sorted(labels.get((e["iri"], ref["iri"]), set()))) or ref["label"]
    claims: dict[tuple[str, str], dict[str, Any]] = {}
    for r in ctx.run("fused_event_claims.rq", bindings):
        e = events.get(r["event"] or "")
        if e is None:
            continue
        key = (e["iri"], r["claim"] or "")
        source = claims.get(key)
        if source is None:
            source = claims[key] = {
                "document": ctx.ref(r["doc"] or "", r["file"]),
                "claim": r["claim"],
                "date": r["date"],
                "quotes": [],
            }
            e["sources"].append(source)
        if r["quote"] and r["quote"] not in source["quotes"]:
            source["quotes"].append(r["quote"])
    parts: dict[str, dict[str, dict[str, Any]]] = {}
    for r in ctx.run_for_each("fused_penalty_parts.rq", "event", list(events)) if events else []:
        part = parts.setdefault(r["event"] or "", {}).setdefault(
            r["part"] or "", {"label": r["label"], "kind": r["kind"], "documents": []}
        )
        part["documents"].append(ctx.ref(r["doc"] or ""))
    out = list(events.values())
    for e in out:
        e["penalty_parts"] = list(parts.get(e["iri"], {}).values())
        e["sources"].sort(key=lambda s: s["document"]["label"])
        for source in e["sources"]:  # in code point order: an engine keeps rows in no set order
            source["quotes"].sort()
        e["conflicts"] = sorted(e.pop("disputed"))
    out.sort(key=lambda e: (e["earliest"] is None, e["earliest"] or "", TYPE_ORDER.get(e["type"], 99), e["iri"]))
    return out
