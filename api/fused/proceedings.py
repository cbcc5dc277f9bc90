"""Proceedings as curated JSON: the steps of one prosecution across documents, everyone
involved grouped by what they did, and the sources behind each step."""

from __future__ import annotations

import re
from typing import Any

from api.curated.common import Ctx, NotFound, best_label
from api.fused.common import fused_bindings
from api.fused.conflicts import find_conflicts
from api.fused.events import fused_events
from ingest.store.terms import IRI
from ingest.vocab import CG

# How a participant is grouped on the page: by class first, then by post for people.
_CLASS_GROUP = {
    str(CG.Court): "courts",
    str(CG.DetentionFacility): "facilities",
    str(CG.StateBody): "bodies",
    str(CG.Place): "places",
}
_POSITION_GROUPS = (
    (re.compile(r"prosecut", re.I), "prosecutors"),
    (re.compile(r"judge|justice", re.I), "judges"),
    (re.compile(r"investigat", re.I), "investigators"),
)
GROUPS = (
    "defendants",
    "judges",
    "prosecutors",
    "investigators",
    "courts",
    "bodies",
    "facilities",
    "officials",
    "places",
)


def list_proceedings(ctx: Ctx, *, person: str | None = None, one: str | None = None) -> list[dict[str, Any]]:
    """Proceedings (all, those against `person`, or just `one`) in date order."""
    found: dict[str, dict[str, Any]] = {}
    for r in ctx.run("proceedings.rq", fused_bindings(person=person, one=one)):
        iri = r["proceeding"] or ""
        p = found.get(iri)
        if p is None:
            p = found[iri] = {
                **ctx.ref(iri, r["label"]),
                "page": f"/proceedings/{(ctx.key(iri) or iri).rsplit('/', 1)[-1]}",
                "earliest": r["earliest"],
                "latest": r["latest"],
                "steps": int(r["steps"] or 0),
                "defendants": [],
            }
        p["defendants"].append(ctx.ref(r["defendant"] or "", _label(ctx, r["defendant"] or "") or None))
    return sorted(found.values(), key=lambda p: (p["earliest"] is None, p["earliest"] or "", p["iri"]))


def _label(ctx: Ctx, iri: str) -> str:
    return best_label(sorted({r["label"] or "" for r in ctx.run("fused_labels.rq", {"iri": IRI(iri)})}))


def _participants(ctx: Ctx, iri: str, events: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    groups: dict[str, dict[str, dict[str, Any]]] = {g: {} for g in GROUPS}
    judges = {ref["iri"] for e in events for ref in e["judge"]}
    info: dict[str, dict[str, set[str]]] = {}
    for r in ctx.run("fused_participants.rq", fused_bindings(one=iri)):
        i = info.setdefault(r["agent"] or "", {"class": set(), "label": set(), "post": set()})
        for key, col in (("class", "class"), ("label", "label"), ("post", "position"), ("post", "role")):
            if r[col]:
                i[key].add(r[col] or "")
    for agent, i in sorted(info.items()):
        ref = ctx.ref(agent, best_label(sorted(i["label"])) or None)
        posts = sorted(i["post"])
        group = next((_CLASS_GROUP[c] for c in sorted(i["class"]) if c in _CLASS_GROUP), None)
        if agent in judges:
            group = "judges"
        if group is None:
            group = next((g for pattern, g in _POSITION_GROUPS for post in posts if pattern.search(post)), None)
        if group is None:
            group = "officials" if str(CG.Person) in i["class"] else "bodies"
        ref["posts"] = posts
        groups[group][agent] = ref
    for e in events:
        for ref in e["subjects"]:
            groups["defendants"].setdefault(ref["iri"], ref)
    return {g: sorted(v.values(), key=lambda r: r["label"]) for g, v in groups.items()}


def proceeding_detail(ctx: Ctx, iri: str) -> dict[str, Any]:
    rows = list_proceedings(ctx, one=iri)
    if not rows:
        raise NotFound(f"no proceeding {iri}")
    events = fused_events(ctx, proceeding=iri)
    event_iris = {e["iri"] for e in events}
    conflicts = [c for c in find_conflicts(ctx) if c["about"]["iri"] in event_iris]
    documents: dict[str, dict[str, Any]] = {}
    for e in events:
        for s in e["sources"]:
            documents.setdefault(s["document"]["iri"], s["document"])
    return {
        **rows[0],
        "participants": _participants(ctx, iri, events),
        "events": events,
        "conflicts": conflicts,
        "documents": sorted(documents.values(), key=lambda d: d["label"]),
    }
