"""Passage search as curated JSON: each hit is a short passage of a stored document text with
its exact character offsets (`text[start:end] == quote`), the words that matched, the
document it is from and the events whose evidence quotes overlap it."""

from __future__ import annotations

from typing import Any

from api.curated.common import TYPE_OF_CLASS, Ctx, split
from api.curated.documents import document_labels
from ingest.passages import Hit, PassageIndex


def search_passages(
    ctx: Ctx, index: PassageIndex, q: str, *, limit: int, offset: int, document: str | None = None
) -> dict[str, Any]:
    """The page of hits for `q` (raises ingest.passages.QueryError for an empty query)."""
    total, hits = index.search(q, limit=limit, offset=offset, document=document)
    events = _events_of(ctx, sorted({h.document for h in hits}))
    labels = document_labels(ctx)
    items = [_item(ctx, h, labels, events.get(h.document, [])) for h in hits]
    return {"total": total, "limit": limit, "offset": offset, "q": q, "items": items}


def _item(ctx: Ctx, hit: Hit, labels: dict[str, str], events: list[dict[str, Any]]) -> dict[str, Any]:
    overlapping = [
        e["ref"]
        for e in sorted(events, key=lambda e: (e["start"], e["ref"]["iri"]))
        if e["start"] < hit.end and hit.start < e["end"]
    ]
    unique = list({e["iri"]: e for e in overlapping}.values())
    return {
        "document": ctx.ref(hit.document, labels.get(hit.document)),
        "quote": hit.quote,
        "start": hit.start,
        "end": hit.end,
        "score": hit.score,
        "highlights": [list(h) for h in hit.highlights],
        "events": unique,
    }


def _events_of(ctx: Ctx, documents: list[str]) -> dict[str, list[dict[str, Any]]]:
    """document -> its events with the span of each evidence quote (one query for the page)."""
    out: dict[str, list[dict[str, Any]]] = {}
    for r in ctx.run_for_each("passage_events.rq", "doc", documents):
        event_type = TYPE_OF_CLASS.get(r["type"] or "")
        if event_type is None:
            continue
        people = ", ".join(split(r["people"]))
        when = r["date"] or "undated"
        label = f"{event_type} – {people} ({when})" if people else f"{event_type} ({when})"
        ref = {**ctx.ref(r["event"] or "", label), "type": event_type, "date": r["date"]}
        out.setdefault(r["doc"] or "", []).append(
            {"ref": ref, "start": int(r["start"] or 0), "end": int(r["end"] or 0)}
        )
    return out
