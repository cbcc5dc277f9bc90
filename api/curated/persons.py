"""People: the searchable list, one person with what each document says, and their timeline."""

from __future__ import annotations

from typing import Any

from api.cache import per_store
from api.curated.agents import agent_acts
from api.curated.common import KIND_OF_PERSON, Ctx, NotFound, best_label, fold_by_survivor, split
from api.curated.events import events_by
from api.curated.search import ranked
from api.identity import survivor_map
from ingest.store.terms import IRI
from ingest.vocab import CG


def person_index(ctx: Ctx) -> list[dict[str, Any]]:
    """Every person (merged IRIs folded into their survivor) with all names, kinds and the
    number of documents: one pass over persons.rq, kept per store (see cache.per_store)."""
    ctx.note("same_as.rq")
    ctx.note("persons.rq")
    return per_store(ctx.store, "persons", lambda: _build_person_index(ctx))


def _build_person_index(ctx: Ctx) -> list[dict[str, Any]]:
    slots = {"label": "labels", "alias": "aliases", "kind": "kinds", "document": "docs"}
    people = fold_by_survivor(
        ctx.run("persons.rq"),
        "person",
        survivor_map(ctx.store),
        slots,
        lambda what, value: KIND_OF_PERSON.get(value, value) if what == "kind" else value,
    )
    return [
        {
            **ctx.plain_ref(iri, best_label(sorted(p["labels"])) or None),
            "names": sorted(p["labels"] | p["aliases"]),
            "kinds": sorted(p["kinds"]),
            "documents": len(p["docs"]),
        }
        for iri, p in people.items()
    ]


def person_labels(ctx: Ctx) -> dict[str, str]:
    """IRI -> the name shown for the person (an IRI merged into another gets the survivor's)."""
    ctx.note("same_as.rq")
    ctx.note("persons.rq")

    def compute() -> dict[str, str]:
        labels = {p["iri"]: p["label"] for p in person_index(ctx)}
        for member, survivor in survivor_map(ctx.store).items():
            if survivor in labels:
                labels.setdefault(member, labels[survivor])
        return labels

    return per_store(ctx.store, "person_labels", compute)


def list_persons(ctx: Ctx, q: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """People filtered by `kind` and, when `q` is given, the ones a name of whom matches it,
    best match first (then the most documented)."""
    return ranked(person_index(ctx), q, lambda person: not kind or kind in person["kinds"])


def person_detail(ctx: Ctx, iri: str) -> dict[str, Any]:
    rows = ctx.run("person.rq", {"person": IRI(iri)})
    if not rows:
        raise NotFound(f"no person {iri}")
    statements: list[dict[str, Any]] = []
    labels: set[str] = set()
    kinds: set[str] = set()
    members: set[str] = set()
    for r in rows:
        members.add(r["member"] or "")
        if r["label"]:
            labels.add(r["label"])
        kind = KIND_OF_PERSON.get(r["kind"] or "", r["kind"])
        if kind:
            kinds.add(kind)
        affiliation: Any = None
        if r["affiliation"]:
            affiliation = ctx.ref(r["affiliation"], r["affiliationLabel"])
        elif r["affiliationLabel"]:
            affiliation = r["affiliationLabel"]
        statements.append(
            {
                "document": ctx.ref(r["doc"], r["file"]) if r["doc"] else None,
                "graph": r["g"],
                "as": ctx.ref(r["member"] or "", r["label"]),
                "name": r["label"],
                "aliases": split(r["aliases"]),
                "kind": kind,
                "roles": split(r["roles"]),
                "position": r["position"],
                "affiliation": affiliation,
                "residence": ctx.ref(r["residence"], r["residenceLabel"]) if r["residence"] else None,
            }
        )
    ref = ctx.ref(iri, best_label(sorted(labels)) or None)
    return {
        **ref,
        "names": sorted(labels | {a for s in statements for a in s["aliases"]}),
        "kinds": sorted(kinds),
        "merged": sorted(m for m in members if m and m != iri),
        "statements": statements,
        "timeline": f"/api/persons/{ref['id']}/timeline",
    }


def person_label(ctx: Ctx, iri: str) -> str:
    """The name to show for a person (the one person_detail shows), from their labels only."""
    labels = sorted({r["label"] or "" for r in ctx.run("person_labels.rq", {"person": IRI(iri)})} - {""})
    return best_label(labels) or ctx.ref(iri)["label"]


def person_timeline(ctx: Ctx, iri: str, conflicts: list[dict[str, Any]] | None = None) -> list[dict[str, Any]]:
    """Every event the person is subject of, in date order, each with its sources and quotes
    and the disagreements between sources it is part of (`conflicts`, see person_conflicts;
    pass them when you have them already)."""
    events = events_by(ctx, iri, str(CG.subject))
    attach_conflicts(events, person_conflicts(ctx, iri) if conflicts is None else conflicts)
    return events


def person_conflicts(ctx: Ctx, iri: str) -> list[dict[str, Any]]:
    """Where sources disagree about this person or their events, from the fused view (an
    empty list when the store holds no fused view or the fusion module is absent)."""
    try:
        from api.fused.conflicts import conflicts_for_person
    except ImportError:
        return []
    return conflicts_for_person(ctx, iri)


def attach_conflicts(events: list[dict[str, Any]], conflicts: list[dict[str, Any]]) -> None:
    """Give each document's event the conflicts one of its claims takes part in: what this
    source says and what the others say."""
    by_iri = {e["iri"]: e for e in events}
    for c in conflicts:
        for value in c.get("values", []):
            for source in value.get("sources", []):
                event = by_iri.get(source.get("claim") or "")
                if event is None:
                    continue
                entry = {
                    "conflict": c["iri"],
                    "property": c.get("property"),
                    "this_source": value.get("value"),
                    "values": [{"value": v.get("value"), "support": v.get("support")} for v in c.get("values", [])],
                    "label": f"{c.get('property')}: this source says {value.get('value')}, others say "
                    + ", ".join(str(v.get("value")) for v in c.get("values", []) if v is not value),
                }
                if entry not in event["conflicts"]:
                    event["conflicts"].append(entry)


def person_acts(ctx: Ctx, iri: str) -> list[dict[str, Any]]:
    """Events the person took part in other than as subject (as judge, official...)."""
    return agent_acts(ctx, iri)
