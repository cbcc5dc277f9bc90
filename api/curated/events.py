"""Events as curated JSON: type, date (with its precision), status, arguments, and the sources
with their quotes. One event IRI belongs to one document graph, but nothing here assumes it."""

from __future__ import annotations

from typing import Any

from api.cache import Recent, per_store
from api.curated.common import OUTCOME_NAME, STATUS_NAME, TYPE_OF_CLASS, TYPE_ORDER, Ctx, NotFound
from ingest.store.terms import IRI
from ingest.vocab import CG

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
# Property IRIs as plain strings, made once: event_from_rows compares every row against them.
LEGAL_EVENT, DATE, STATUS, OUTCOME, SOURCE, EVIDENCE = (
    str(t) for t in (CG.LegalEvent, CG.date, CG.status, CG.outcome, CG.source, CG.evidence)
)

# Event argument properties -> the argument names of the facts format (FORMAT.md), and whether
# the value is a resource (shown as a link) or a plain value.
ARGUMENTS: dict[str, tuple[str, bool]] = {
    str(CG.subject): ("people", True),
    str(CG.actor): ("authority", True),
    str(CG.judge): ("judge", True),
    str(CG.place): ("place", True),
    str(CG.fromLocation): ("from", True),
    str(CG.toLocation): ("to", True),
    str(CG.provision): ("provisions", True),
    str(CG.replaces): ("replaces", True),
    str(CG.penalty): ("penalty", False),
}
ARGUMENT_ORDER = ("people", "authority", "judge", "place", "from", "to", "provisions", "replaces", "outcome", "penalty")
_PRECISION = {10: "day", 7: "month", 4: "year"}


def date_info(date: str | None) -> dict[str, Any]:
    return {"date": date, "date_precision": _PRECISION.get(len(date)) if date else None}


def sort_key(event: dict[str, Any]) -> tuple[int, str, int, str]:
    """Date order; undated events last; same date in the order proceedings run."""
    date = event.get("date")
    return (0 if date else 1, date or "", TYPE_ORDER.get(event.get("type") or "", 99), event["iri"])


def event_detail(ctx: Ctx, iri: str) -> dict[str, Any]:
    event = event_from_rows(ctx, iri, ctx.run("event.rq", {"event": IRI(iri)}))
    if event is None:
        raise NotFound(f"no legal event {iri}")
    return event


def events_by(ctx: Ctx, anchor: str, via: str) -> list[dict[str, Any]]:
    """Every event linked to `anchor` (or what was merged into it) by property `via`, in
    timeline order: one query for all of them, not one per event."""
    return events_by_each(ctx, anchor, [via])[via]


def events_by_each(ctx: Ctx, anchor: str, vias: list[str]) -> dict[str, list[dict[str, Any]]]:
    """events_by for several properties at once (one query): property -> its events."""
    if len(vias) == 1:
        rows = ctx.run("events_by.rq", {"anchor": IRI(anchor), "via": IRI(vias[0])})
    else:
        rows = ctx.run_for_each("events_by.rq", "via", vias, {"anchor": IRI(anchor)})
    grouped: dict[tuple[str, str], list[dict[str, str | None]]] = {}
    for r in rows:
        grouped.setdefault((r["via"] or "", r["event"] or ""), []).append(r)
    out: dict[str, list[dict[str, Any]]] = {via: [] for via in vias}
    for (via, iri), group in grouped.items():
        event = event_from_rows(ctx, iri, group)
        if event is not None:
            out.setdefault(via, []).append(event)
    return {via: sorted(events, key=sort_key) for via, events in out.items()}


def event_from_rows(ctx: Ctx, iri: str, rows: list[dict[str, str | None]]) -> dict[str, Any] | None:
    """The curated event from the rows of event.rq (or events_by.rq) about it; None if they
    do not describe a legal event."""
    types = {r["o"] or "" for r in rows if r["p"] == RDF_TYPE}
    if LEGAL_EVENT not in types:
        return None
    event: dict[str, Any] = {
        **ctx.ref(iri),
        "type": next((TYPE_OF_CLASS[t] for t in sorted(types) if t in TYPE_OF_CLASS), "other"),
        "date": None,
        "date_precision": None,
        "status": None,
        "arguments": {},
        "sources": [],
        # Filled by the fusion of sources (where documents disagree about this event).
        "conflicts": [],
    }
    args: dict[str, list[Any]] = {}
    sources: dict[str, dict[str, Any]] = {}
    quotes: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        p, o, g = r["p"] or "", r["o"] or "", r["g"] or ""
        if p == DATE:
            event.update(date_info(o))
        elif p == STATUS:
            event["status"] = STATUS_NAME.get(o, o)
        elif p == OUTCOME:
            args["outcome"] = [OUTCOME_NAME.get(o, o)]
        elif p == SOURCE:
            src = sources.setdefault(o, {"document": ctx.ref(o, r["label"]), "graph": g, "quotes": []})
            src["graph"] = g
        elif p in ARGUMENTS:
            name, is_resource = ARGUMENTS[p]
            value: Any = ctx.ref(o, r["label"]) if is_resource and r["oiri"] == "true" else o
            if value not in args.setdefault(name, []):
                args[name].append(value)
        elif p == EVIDENCE and r["source"]:
            source = r["source"]
            src = sources.setdefault(source, {"document": ctx.ref(source, r["sourceFile"]), "graph": g, "quotes": []})
            q = quotes.setdefault((source, o), {"annotation": o, "quote": None, "start": None, "end": None})
            q.update(
                {
                    k: v
                    for k, v in {
                        "quote": r["exact"],
                        "start": int(r["start"]) if r["start"] else None,
                        "end": int(r["end"]) if r["end"] else None,
                        "method": r["method"],
                        "rule": r["rule"],
                        "confidence": float(r["confidence"]) if r["confidence"] else None,
                    }.items()
                    if v is not None
                }
            )
            if q not in src["quotes"]:
                src["quotes"].append(q)
    for values in args.values():
        values.sort(key=lambda v: (v["label"], v["iri"]) if isinstance(v, dict) else (v, ""))
    # In the order of the facts format, the outcome as a single value.
    event["arguments"] = {
        name: (args[name][0] if name == "outcome" else args[name]) for name in ARGUMENT_ORDER if args.get(name)
    }
    for src in sources.values():
        src["quotes"].sort(key=lambda q: (q.get("start") or 0, q["annotation"]))
    event["sources"] = sorted(sources.values(), key=lambda s: s["document"]["iri"])
    event["label"] = summary_label(event)
    return event


# Events whose details are kept per store version (a few MB at most): a list page asks for
# fifty at a time, and event.rq costs about a millisecond per event.
KEPT_EVENTS = 4096


def event_details(ctx: Ctx, iris: list[str]) -> list[dict[str, Any]]:
    """The curated events `iris` (those that are legal events), in timeline order: one
    event.rq for those of the batch not already kept for this store version, not one per
    event. The events are shared with later requests: a caller must not change them."""
    ctx.note("event.rq")
    kept = per_store(ctx.store, f"event_details {ctx.base_iri}", lambda: Recent(KEPT_EVENTS))
    found = kept.get_many(list(iris))
    missing = [iri for iri in iris if iri not in found]
    if missing:
        grouped: dict[str, list[dict[str, str | None]]] = {iri: [] for iri in missing}
        for r in ctx.run_for_each("event.rq", "event", missing):
            grouped.setdefault(r["event"] or "", []).append(r)
        for iri, rows in grouped.items():
            found[iri] = event_from_rows(ctx, iri, rows)
            kept.put(iri, found[iri])
    events = (found.get(iri) for iri in dict.fromkeys(iris))
    return sorted((e for e in events if e is not None), key=sort_key)


def summary_label(event: dict[str, Any]) -> str:
    """A one-line description of an event for lists and page titles."""
    people = ", ".join(p["label"] for p in event["arguments"].get("people", []))
    when = event.get("date") or "undated"
    return f"{event['type']} – {people} ({when})" if people else f"{event['type']} ({when})"
