"""Step: from mentions to events. A headline or a look-back that names a dated act joins it;
a charge change replaces the provisions of the charge before it; conviction and sentence of one
day share their court; mentions of one act (same type, date, status, overlapping people, no
conflicting from/to/outcome) merge into one event."""

from __future__ import annotations

import re

from ingest.extract.events.document import Draft, EventDocument, overlap
from ingest.model import EventRecord, Evidence

_TOLD_BY_COURT = re.compile(r"\b(?:the\s+)?(?:judge|court)\b", re.I)


def fold_headings(doc: EventDocument, drafts: list[Draft]) -> list[Draft]:
    """A headline, or a later sentence looking back ("X was convicted for doing her job",
    "welcomes the release of X"), names an act the text tells with its date: the undated
    mention joins that event when exactly one event of the type and people has a date."""
    kept = []
    for d in drafts:
        r = d.record
        if not r.date and r.people and r.status == "occurred":
            dated = [
                x
                for x in drafts
                if x is not d
                and x.record.type == r.type
                and x.record.date
                and x.record.status == r.status
                and overlap(x.record, r)
                # a ruling that reduced a term is not the one that quashed the verdict before it
                and not (x.record.outcome and r.outcome and x.record.outcome != r.outcome)
            ]
            # A title line only summarises what the text tells: it never stands alone
            # beside a dated act of the same kind and people.
            if len(dated) == 1 or (dated and doc.is_heading(d.sentence)):
                target = dated[0].record
                target.evidence = unique_evidence(target.evidence + r.evidence)
                # "Today's ruling upholding X's sentence ... The appeals court upheld it": what the
                # undated mention states (the court, the penalty) completes the dated act.
                for arg in ("authority", "judge", "place", "penalty", "outcome"):
                    if getattr(target, arg) is None and getattr(r, arg) is not None:
                        setattr(target, arg, getattr(r, arg))
                # "on November 30 he became an accused. In particular, he was charged under
                # articles ...": the articles of the undated mention are the dated act's.
                if not target.provisions and r.provisions:
                    target.provisions = list(r.provisions)
                continue
        kept.append(d)
    return kept


def link_charges(drafts: list[Draft]) -> None:
    """A charge change replaces the provisions of the charge brought before it; a later
    extension of pre-trial detention keeps the court that ordered it."""
    for i, d in enumerate(drafts):
        r = d.record
        earlier = [x.record for x in drafts[:i] if overlap(x.record, r)]
        if r.type == "charge-change" and not r.replaces:
            charge = next((e for e in reversed(earlier) if e.type == "charge" and e.provisions), None)
            if charge is not None:
                r.replaces = [p for p in charge.provisions if p not in r.provisions]
        told_by_court = any(_TOLD_BY_COURT.search(e.quote) for e in r.evidence)
        if r.type == "pretrial-detention" and not r.authority and told_by_court:
            first = next((e for e in earlier if e.type == "pretrial-detention" and e.authority), None)
            if first is not None:
                r.authority = first.authority
                r.place = r.place or first.place


def share_court_arguments(drafts: list[Draft]) -> None:
    """Conviction and sentence of the same people on the same day share court, judge, place."""
    verdicts = [d for d in drafts if d.record.type in ("conviction", "sentence")]
    for a in verdicts:
        for b in verdicts:
            ra, rb = a.record, b.record
            if {ra.type, rb.type} != {"conviction", "sentence"} or ra.date != rb.date or not overlap(ra, rb):
                continue
            for arg in ("authority", "judge", "place"):
                if getattr(ra, arg) is None and getattr(rb, arg) is not None:
                    setattr(ra, arg, getattr(rb, arg))


def _compatible(a: EventRecord, b: EventRecord) -> bool:
    if a.type != b.type or a.status != b.status or a.date != b.date or not overlap(a, b):
        return False
    for arg in ("from_", "to", "outcome"):
        va, vb = getattr(a, arg), getattr(b, arg)
        if va and vb and va != vb:
            return False
    if a.type == "transfer" and set(a.people) != set(b.people):
        # "A, B and C were transferred. C was moved to X; A and B were moved to Y": moves of
        # different people stay apart; a mention without destination joins a move only when
        # its people are among those moved there.
        ended, bare = (a, b) if a.to else (b, a)
        return bool(ended.to) and not bare.to and set(bare.people) <= set(ended.people)
    return True


def merge(drafts: list[Draft]) -> list[Draft]:
    """Mentions of one act become one event, keeping every argument either states."""
    out: list[Draft] = []
    for d in drafts:
        target = next((o for o in out if _compatible(o.record, d.record)), None)
        if target is None:
            out.append(d)
            continue
        a, b = target.record, d.record
        a.people = list(dict.fromkeys(a.people + b.people))
        for arg in ("place", "authority", "judge", "from_", "to", "outcome", "penalty"):
            if getattr(a, arg) is None and getattr(b, arg) is not None:
                setattr(a, arg, getattr(b, arg))
        a.provisions = list(dict.fromkeys(a.provisions + b.provisions))
        a.replaces = list(dict.fromkeys(a.replaces + b.replaces))
        a.evidence = unique_evidence(a.evidence + b.evidence)
    return out


def unique_evidence(items: list[Evidence]) -> list[Evidence]:
    seen: set[tuple[int, int, str]] = set()
    out = []
    for e in items:
        key = (e.start, e.end, e.rule)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
