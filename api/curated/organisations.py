"""Organisations: the list, and one organisation with what each document says about it."""

from __future__ import annotations

from typing import Any

from api.cache import per_store
from api.curated.agents import agent_acts
from api.curated.common import (
    GENERIC_ORGANISATION,
    KIND_OF_ORGANISATION,
    Ctx,
    NotFound,
    best_label,
    fold_by_survivor,
    split,
)
from api.curated.search import ranked
from api.identity import survivor_map
from ingest.store.terms import IRI


def organisation_kind(classes: set[str] | list[str]) -> str:
    """The most specific kind among an organisation's classes ("court"), else "other"."""
    specific = sorted(
        KIND_OF_ORGANISATION[c] for c in classes if c in KIND_OF_ORGANISATION and c != GENERIC_ORGANISATION
    )
    return specific[0] if specific else "other"


def organisation_index(ctx: Ctx) -> list[dict[str, Any]]:
    """Every organisation (merged IRIs folded into their survivor) with its names, kind and
    number of documents, kept per store (see api.cache)."""
    ctx.note("same_as.rq")
    ctx.note("organisations.rq")
    return per_store(ctx.store, "organisations", lambda: _build_organisation_index(ctx))


def _build_organisation_index(ctx: Ctx) -> list[dict[str, Any]]:
    slots = {"label": "labels", "alias": "aliases", "class": "classes", "document": "docs"}
    found = fold_by_survivor(ctx.run("organisations.rq"), "org", survivor_map(ctx.store), slots)
    return [
        {
            **ctx.ref(iri, best_label(sorted(o["labels"])) or None),
            "names": sorted(o["labels"] | o["aliases"]),
            "kind": organisation_kind(o["classes"]),
            "documents": len(o["docs"]),
        }
        for iri, o in found.items()
    ]


def list_organisations(ctx: Ctx, q: str | None = None, kind: str | None = None) -> list[dict[str, Any]]:
    """Organisations of `kind`, and when `q` is given those a name of which matches it, best first."""
    return ranked(organisation_index(ctx), q, lambda org: not kind or org["kind"] == kind)


def organisation_detail(ctx: Ctx, iri: str) -> dict[str, Any]:
    rows = ctx.run("organisation.rq", {"org": IRI(iri)})
    if not rows:
        raise NotFound(f"no organisation {iri}")
    labels: set[str] = set()
    classes: set[str] = set()
    statements: list[dict[str, Any]] = []
    for r in rows:
        if r["label"]:
            labels.add(r["label"])
        row_classes = split(r["classes"])
        classes.update(row_classes)
        statements.append(
            {
                "document": ctx.ref(r["doc"], r["file"]) if r["doc"] else None,
                "graph": r["g"],
                "as": ctx.ref(r["member"] or "", r["label"]),
                "name": r["label"],
                "aliases": split(r["aliases"]),
                "kind": organisation_kind(row_classes),
                "place": ctx.ref(r["place"], r["placeLabel"]) if r["place"] else None,
            }
        )
    members = [ctx.ref(r["person"] or "", r["label"]) for r in ctx.run("affiliated.rq", {"org": IRI(iri)})]
    return {
        **ctx.ref(iri, best_label(sorted(labels)) or None),
        "names": sorted(labels | {a for s in statements for a in s["aliases"]}),
        "kind": organisation_kind(classes),
        "merged": sorted({r["member"] or "" for r in rows} - {iri}),
        "statements": statements,
        "people": members,
        "acts": agent_acts(ctx, iri),
    }
