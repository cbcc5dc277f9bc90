"""The event list with its filters (type, person, date range, place)."""

from __future__ import annotations

from typing import Any

from api.cache import per_store_lru
from api.curated.common import Ctx
from api.curated.events import event_details
from ingest.store.terms import IRI, Literal

# The value of a filter that is not used (see api/queries/events.rq for why it is never unbound).
ANY = IRI("urn:casegraph:any")
NO_LOWER = ""
NO_UPPER = "\uffff"


def upper_bound(iso: str) -> str:
    """The highest date string within `iso`'s precision ("2016-05" covers "2016-05-31")."""
    return iso if len(iso) == 10 else iso + NO_UPPER


def matching_events(
    ctx: Ctx,
    event_class: str | None = None,
    person: str | None = None,
    place: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> list[str]:
    """IRIs of the matching events in date order (undated last). The list for a filter is
    kept per store (the most recent few hundred filters): paging through it, or asking again,
    runs no query."""
    return [iri for iri, _, _ in matching_event_rows(ctx, event_class, person, place, date_from, date_to)]


def matching_event_rows(
    ctx: Ctx,
    event_class: str | None = None,
    person: str | None = None,
    place: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
) -> list[tuple[str, str | None, str | None]]:
    """(IRI, class, date) of the matching events, in the order of matching_events (for
    facet counts: per type, per year)."""
    ctx.note(_query_for(person, event_class))
    key = (event_class, person, place, date_from, date_to)
    return per_store_lru(
        ctx.store, "matching_events", key, lambda: _matching(ctx, event_class, person, place, date_from, date_to)
    )


def _matching(
    ctx: Ctx,
    event_class: str | None,
    person: str | None,
    place: str | None,
    date_from: str | None,
    date_to: str | None,
) -> list[tuple[str, str | None, str | None]]:
    bindings: dict[str, IRI | Literal] = {
        "place": IRI(place) if place else ANY,
        "from": Literal(date_from or NO_LOWER),
        "to": Literal(upper_bound(date_to) if date_to else NO_UPPER),
    }
    if event_class:
        bindings["type"] = IRI(event_class)
    if person:
        bindings["person"] = IRI(person)
    rows = ctx.run(_query_for(person, event_class), bindings)
    seen: dict[str, tuple[str | None, str | None]] = {}
    for r in rows:
        seen.setdefault(r["event"] or "", (r["type"], r["date"]))
    ordered = sorted(seen, key=lambda iri: (0 if seen[iri][1] else 1, seen[iri][1] or "", iri))
    return [(iri, seen[iri][0], seen[iri][1]) for iri in ordered]


def _query_for(person: str | None, event_class: str | None) -> str:
    # Start from the most selective thing given: the person, else the type, else every event.
    return "events_of_person.rq" if person else "events_of_type.rq" if event_class else "events.rq"


def page_of_events(ctx: Ctx, iris: list[str], offset: int, limit: int) -> list[dict[str, Any]]:
    """Details for one page only: one event.rq for the whole page."""
    return event_details(ctx, iris[offset : offset + limit])
