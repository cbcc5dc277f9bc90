"""The home page's data: what the graph holds and the most recent documents."""

from __future__ import annotations

from typing import Any

from api.cache import per_store
from api.curated.common import TYPE_OF_CLASS, Ctx
from api.curated.documents import list_documents

RECENT = 5


def overview(ctx: Ctx) -> dict[str, Any]:
    """Counts over the whole store, kept per store (see api.cache)."""
    for name in ("counts.rq", "event_types.rq", "documents.rq"):
        ctx.note(name)
    return per_store(ctx.store, "overview", lambda: _overview(ctx))


def _overview(ctx: Ctx) -> dict[str, Any]:
    counts = {r["what"] or "": int(r["n"] or 0) for r in ctx.run("counts.rq")}
    for what in ("documents", "persons", "organisations", "events", "places", "provisions"):
        counts.setdefault(what, 0)
    counts["triples"] = len(ctx.store)
    counts["graphs"] = len(ctx.store.named_graphs())
    types = [
        {"type": TYPE_OF_CLASS.get(r["type"] or "", "other"), "events": int(r["n"] or 0)}
        for r in ctx.run("event_types.rq")
    ]
    return {"counts": counts, "event_types": types, "recent_documents": list_documents(ctx)[:RECENT]}
