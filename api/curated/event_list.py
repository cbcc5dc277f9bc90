"""The event list with its filters (type, person, date range, place).

A filter without a person is answered from an index of every legal event (its class, date and
places), read with two queries once per store version (api.cache.per_store, so it is rebuilt
whenever the store changes and never older than the data by more than api.cache.POLL seconds):
each such filter used to run events.rq or events_of_type.rq again, a scan of every event per
request (seconds per request under load at 1M quads). A person's events still come from
events_of_person.rq, which starts from the person and reads only their events. The matching
list of the most recent few hundred filters is kept too (paging, or asking again, sorts nothing)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

from api.cache import per_store, per_store_lru
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


Row = tuple[str, str | None, str | None]  # (event IRI, class, date)


@dataclass
class EventIndex:
    """Every row of events.rq without filters, kept sorted by date (then IRI, class), and the
    places of each event; a filter is a slice by date (bisect) and a pass over that slice."""

    dated: list[Row]
    undated: list[Row]
    places: dict[str, frozenset[str]]
    dates: list[str] = field(init=False)
    by_class: dict[str, tuple[list[Row], list[str]]] = field(init=False)

    def __post_init__(self) -> None:
        self.dated.sort(key=lambda r: (r[2] or "", r[0], r[1] or ""))
        self.undated.sort(key=lambda r: (r[0], r[1] or ""))
        self.dates = [r[2] or "" for r in self.dated]
        self.by_class = {}
        for r in self.dated:
            rows, dates = self.by_class.setdefault(r[1] or "", ([], []))
            rows.append(r)
            dates.append(r[2] or "")

    def rows(self, event_class: str | None, place: str | None, date_from: str | None, date_to: str | None) -> list[Row]:
        """The rows events.rq would give for these filters (its FILTERs, in Python)."""
        if date_from or date_to:  # a date range keeps dated events only, as the query's FILTER does
            rows, dates = self.by_class.get(event_class, ([], [])) if event_class else (self.dated, self.dates)
            low = date_from or NO_LOWER
            high = upper_bound(date_to) if date_to else NO_UPPER
            found = rows[bisect_left(dates, low) : bisect_right(dates, high)]
        else:
            found = [r for r in (*self.dated, *self.undated) if not event_class or r[1] == event_class]
        if place:
            found = [r for r in found if place in self.places.get(r[0], ())]
        return found


def event_index(ctx: Ctx) -> EventIndex:
    """The store's event index, read once per store version."""
    ctx.note("events.rq")
    ctx.note("event_places.rq")

    def read() -> EventIndex:
        everything = {"place": ANY, "from": Literal(NO_LOWER), "to": Literal(NO_UPPER)}
        rows = [(r["event"] or "", r["type"], r["date"]) for r in ctx.run("events.rq", everything)]
        places: dict[str, set[str]] = {}
        for r in ctx.run("event_places.rq"):
            places.setdefault(r["event"] or "", set()).add(r["place"] or "")
        return EventIndex(
            dated=[r for r in rows if r[2]],
            undated=[r for r in rows if not r[2]],
            places={event: frozenset(p) for event, p in places.items()},
        )

    return per_store(ctx.store, "event_index", read)


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
) -> list[Row]:
    """(IRI, class, date) of the matching events, in the order of matching_events (for
    facet counts: per type, per year)."""
    key = (event_class, person, place, date_from, date_to)
    if person is None:
        index = event_index(ctx)
        return per_store_lru(
            ctx.store, "matching_events", key, lambda: _in_order(index.rows(event_class, place, date_from, date_to))
        )
    ctx.note("events_of_person.rq")
    return per_store_lru(
        ctx.store, "matching_events", key, lambda: _of_person(ctx, event_class, person, place, date_from, date_to)
    )


def _of_person(
    ctx: Ctx,
    event_class: str | None,
    person: str,
    place: str | None,
    date_from: str | None,
    date_to: str | None,
) -> list[Row]:
    bindings: dict[str, IRI | Literal] = {
        "person": IRI(person),
        "place": IRI(place) if place else ANY,
        "from": Literal(date_from or NO_LOWER),
        "to": Literal(upper_bound(date_to) if date_to else NO_UPPER),
    }
    if event_class:
        bindings["type"] = IRI(event_class)
    rows = ctx.run("events_of_person.rq", bindings)
    return _in_order([(r["event"] or "", r["type"], r["date"]) for r in rows])


def _in_order(rows: list[Row]) -> list[Row]:
    """One row per event (its first), dated events first by date, then by IRI."""
    seen: dict[str, tuple[str | None, str | None]] = {}
    for iri, kind, date in rows:
        seen.setdefault(iri, (kind, date))
    ordered = sorted(seen, key=lambda iri: (0 if seen[iri][1] else 1, seen[iri][1] or "", iri))
    return [(iri, seen[iri][0], seen[iri][1]) for iri in ordered]


def page_of_events(ctx: Ctx, iris: list[str], offset: int, limit: int) -> list[dict[str, Any]]:
    """Details for one page only: one event.rq for the whole page."""
    return event_details(ctx, iris[offset : offset + limit])
