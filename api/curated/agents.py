"""What an agent (person, organisation or a body named only as an event argument) did: the
events it took part in other than as subject, with its role."""

from __future__ import annotations

from typing import Any

from api.cache import per_store
from api.curated.common import TYPE_OF_CLASS, Ctx, best_label, split
from api.curated.events import events_by_each
from api.identity import survivor_map
from ingest.vocab import CG

ROLE_NAME = {
    str(CG.actor): "authority",
    str(CG.judge): "judge",
    str(CG.fromLocation): "from",
    str(CG.toLocation): "to",
    str(CG.place): "place",
}


def agent_acts(ctx: Ctx, iri: str) -> list[dict[str, Any]]:
    """One entry per (event, role) in which the agent takes part other than as subject, in
    date order (undated last): one events_by.rq for every role and event."""
    acts: list[dict[str, Any]] = []
    for role, events in events_by_each(ctx, iri, list(ROLE_NAME)).items():
        acts.extend({"role": ROLE_NAME[role], "event": event} for event in events)
    acts.sort(key=lambda a: (0 if a["event"]["date"] else 1, a["event"]["date"] or "", a["event"]["iri"], a["role"]))
    return acts


def authorities(ctx: Ctx) -> list[dict[str, Any]]:
    """Officials and bodies with what they did (as authority or judge), most active first.
    A pass over every act in the store, so kept per store (see api.cache)."""
    for name in ("same_as.rq", "authority_agents.rq", "authorities.rq"):
        ctx.note(name)
    return per_store(ctx.store, "authorities", lambda: _authorities(ctx))


def _authorities(ctx: Ctx) -> list[dict[str, Any]]:
    merged = survivor_map(ctx.store)
    ctx.note("same_as.rq")
    found: dict[str, dict[str, Any]] = {}

    def entry(iri: str) -> dict[str, Any]:
        target = merged.get(iri, iri)
        return found.setdefault(
            target, {"iri": target, "labels": set(), "types": set(), "positions": set(), "acts": {}}
        )

    for r in ctx.run("authority_agents.rq"):
        a = entry(r["agent"] or "")
        a["labels"].update(split(r["labels"]))
        a["positions"].update(split(r["positions"]))
        a["types"].update(c.rsplit("#", 1)[-1] for c in split(r["classes"]) if c.startswith(str(CG)))
    for r in ctx.run("authorities.rq"):
        a = entry(r["agent"] or "")
        a["acts"][(r["event"], r["role"])] = {
            "role": ROLE_NAME.get(r["role"] or "", r["role"]),
            "event": ctx.ref(r["event"] or ""),
            "type": TYPE_OF_CLASS.get(r["type"] or "", "other"),
            "date": r["date"],
        }
    items = []
    for a in found.values():
        acts = sorted(a["acts"].values(), key=lambda x: (0 if x["date"] else 1, x["date"] or "", x["event"]["iri"]))
        kind = "person" if "Person" in a["types"] else ("agent" if a["types"] <= {"Agent"} else "organisation")
        items.append(
            {
                **ctx.ref(a["iri"], best_label(sorted(a["labels"])) or None),
                "kind": kind,
                "classes": sorted(a["types"]),
                "positions": sorted(a["positions"]),
                "acts": acts,
            }
        )
    items.sort(key=lambda i: (-len(i["acts"]), i["label"].casefold(), i["iri"]))
    return items
