"""What every event step reads: the document's text and sentences with the people,
organisations, dates and provisions found in it, indexed by position; and the two records
the steps pass along (a trigger found in a sentence, a draft event built from it)."""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from ingest.extract.dates import DateMention
from ingest.extract.events.patterns import Rule
from ingest.extract.organisations import Organisation
from ingest.extract.people import Person
from ingest.extract.provisions import ProvisionMention
from ingest.extract.spans import Spans
from ingest.extract.text import CleanText
from ingest.model import EventRecord

_SENTENCE_END = re.compile(r"[.!?:;\"”]\s*$")


@dataclass
class Trigger:
    start: int
    end: int
    rule: Rule
    sentence: int
    status: str = "occurred"
    date: str | None = None
    has_own_date: bool = False


@dataclass
class Draft:
    record: EventRecord
    sentence: int
    start: int
    weak: bool = False
    dated_by: str = ""  # how the date was found: own, or the id of the rule that lent it


class EventDocument:
    def __init__(
        self,
        ct: CleanText,
        people: list[Person],
        organisations: list[Organisation],
        dates: list[DateMention],
        provisions: list[ProvisionMention],
    ) -> None:
        self.ct = ct
        self.text = ct.text
        self.people = people
        self.orgs = organisations
        self.provisions = provisions
        self.org_mentions = sorted(((m.start, m.end, o) for o in organisations for m in o.mentions), key=lambda x: x[0])
        # A name inside an organisation's name ("the Tribunal of <Region>") is nobody acted on.
        inside = Spans([(s, e) for s, e, _ in self.org_mentions])
        self.person_mentions = sorted(
            ((m.start, m.end, p) for p in people for m in p.mentions if not inside.covers(m.start, m.end)),
            key=lambda x: x[0],
        )
        self.person_starts = [s for s, _, _ in self.person_mentions]
        self.org_starts = [s for s, _, _ in self.org_mentions]
        self.dates = sorted(dates, key=lambda d: d.start)
        self.date_starts = [d.start for d in self.dates]

    def people_in(self, start: int, end: int) -> list[tuple[int, Person]]:
        """People whose mention starts in [start, end), with the mention's start."""
        lo = bisect_left(self.person_starts, start)
        hi = bisect_left(self.person_starts, end)
        return [(s, p) for s, _, p in self.person_mentions[lo:hi]]

    def mention_end(self, pos: int, person: Person | None = None) -> int:
        """Where the person mention starting at `pos` ends."""
        return next(e for s, e, p in self.person_mentions if s == pos and (person is None or p is person))

    def orgs_in(self, start: int, end: int) -> list[tuple[int, int, Organisation]]:
        lo, hi = bisect_left(self.org_starts, start), bisect_left(self.org_starts, end)
        return [(s, e, o) for s, e, o in self.org_mentions[lo:hi] if e <= end]

    def dates_in(self, start: int, end: int) -> list[DateMention]:
        return self.dates[bisect_left(self.date_starts, start) : bisect_left(self.date_starts, end)]

    def organisation(self, name: str) -> Organisation | None:
        return next((o for o in self.orgs if name in o.names()), None)

    def is_heading(self, s_index: int) -> bool:
        """A title line: a whole paragraph that does not end like a sentence."""
        sentence = self.ct.sentences[s_index]
        start, end = self.ct.paragraphs[sentence.paragraph]
        return sentence.start == start and sentence.end == end and not _SENTENCE_END.search(sentence.text)


def overlap(a: EventRecord, b: EventRecord) -> bool:
    """Whether two events share a person."""
    return bool(set(a.people) & set(b.people))
