"""Last pass over extracted events: keep only what the shapes accept, so one misread date or
missing argument never costs the whole document (a document is stored all-or-nothing).

- A transfer without a destination is not a transfer (the shape requires `to`): dropped.
- A sentence that states no penalty (the shape requires one) is dropped unless planned.
- An appeal decision without an outcome is dropped; one without a court takes the court the
  appeal was lodged with, else it is dropped (the shape requires both).
- Order within one person's story (no conviction before every charge, no sentence before every
  conviction, no release before every arrest or detention): when violated, the later-stage
  event's date is the one the extractor most likely misread (a year taken from the wrong
  context), so that date is cleared rather than the event dropped.
"""

from __future__ import annotations

from ingest.model import EventRecord

# (later stage, earlier stages): the later must not be dated before every earlier one.
_ORDER: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("conviction", ("charge",)),
    ("sentence", ("conviction",)),
    ("release", ("arrest", "administrative-detention", "pretrial-detention", "house-arrest")),
)


def _before(a: str, b: str) -> bool:
    """a strictly before b, compared at the coarser precision (as the shapes do)."""
    n = min(len(a), len(b))
    return a[:n] < b[:n]


def _shares_provision(a: EventRecord, b: EventRecord) -> bool:
    return bool(set(a.provisions) & set(b.provisions))


def _court_appealed_to(e: EventRecord, events: list[EventRecord]) -> str | None:
    lodged = [x for x in events if x.type == "appeal-filed" and x.authority and set(x.people) & set(e.people)]
    return lodged[-1].authority if lodged else None


def make_consistent(events: list[EventRecord]) -> list[EventRecord]:
    for e in events:
        if e.type == "appeal-decision" and e.status == "occurred" and not e.authority:
            e.authority = _court_appealed_to(e, events)
    kept = [
        e
        for e in events
        if e.people
        and not (e.type == "transfer" and not e.to)
        and not (e.type == "appeal-decision" and not e.outcome)
        and not (e.type == "appeal-decision" and e.status == "occurred" and not e.authority)
        and not (e.type == "sentence" and e.status == "occurred" and not e.penalty)
    ]
    for later, earlier in _ORDER:
        for e in kept:
            if e.type != later or e.status != "occurred" or not e.date:
                continue
            for person in e.people:
                firsts = [
                    x
                    for x in kept
                    if x.type in earlier and x.status == "occurred" and person in x.people and x is not e
                ]
                if not firsts or any(not x.date for x in firsts):
                    continue
                if later == "conviction" and any(_shares_provision(e, x) for x in firsts):
                    continue
                if all(_before(e.date, x.date or "") for x in firsts):
                    e.date = None
                    break
    return kept
