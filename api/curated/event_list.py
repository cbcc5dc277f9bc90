"""The event list with its filters (type, person, date range, place)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from api.curated.common import Ctx
from api.curated.events import event_details

# The value of a filter that is not used (see api/queries/events.rq for why it is never unbound).
ANY = ox.NamedNode("urn:casegraph:any")
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
    """IRIs of the matching events in date order (undated last)."""
    bindings: dict[str, ox.NamedNode | ox.Literal] = {
        "place": ox.NamedNode(place) if place else ANY,
        "from": ox.Literal(date_from or NO_LOWER),
        "to": ox.Literal(upper_bound(date_to) if date_to else NO_UPPER),
    }
    if event_class:
        bindings["type"] = ox.NamedNode(event_class)
    if person:
        bindings["person"] = ox.NamedNode(person)
    # Start from the most selective thing given: the person, else the type, else every event.
    name = "events_of_person.rq" if person else "events_of_type.rq" if event_class else "events.rq"
    rows = ctx.run(name, bindings)
    seen: dict[str, str | None] = {}
    for r in rows:
        seen.setdefault(r["event"] or "", r["date"])
    return sorted(seen, key=lambda iri: (0 if seen[iri] else 1, seen[iri] or "", iri))


def page_of_events(ctx: Ctx, iris: list[str], offset: int, limit: int) -> list[dict[str, Any]]:
    """Details for one page only (one event.rq per event on the page)."""
    return event_details(ctx, iris[offset : offset + limit])
