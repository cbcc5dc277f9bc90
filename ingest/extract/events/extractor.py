"""The document loop: sentence by sentence, triggers -> dates of their own clause -> subjects
-> arguments -> draft events; then, document-wide, dates borrowed across sentences, penalties
told elsewhere, headlines folded into the acts they name, and mentions of one act merged."""

from __future__ import annotations

from ingest.extract.dates import DateMention
from ingest.extract.events import dating, distribute, merging
from ingest.extract.events.arguments import ArgumentFinder
from ingest.extract.events.document import Draft, EventDocument
from ingest.extract.events.patterns import anaphors, trigger_patterns
from ingest.extract.events.subjects import Discourse, SubjectFinder, name_later
from ingest.extract.events.triggers import find_triggers
from ingest.extract.organisations import Organisation
from ingest.extract.people import Person
from ingest.extract.provisions import ProvisionMention
from ingest.extract.text import CleanText
from ingest.model import EventRecord

_RECENT = 3  # sentences within which an act with no subject of its own refers to the last group


class EventExtractor:
    def __init__(
        self,
        ct: CleanText,
        people: list[Person],
        organisations: list[Organisation],
        dates: list[DateMention],
        provisions: list[ProvisionMention],
    ) -> None:
        self.doc = EventDocument(ct, people, organisations, dates, provisions)
        self.patterns = trigger_patterns()
        self.subjects = SubjectFinder(self.doc, anaphors())
        self.arguments = ArgumentFinder(self.doc, self.patterns)

    def extract(self) -> list[EventRecord]:
        doc, args = self.doc, self.arguments
        drafts: list[Draft] = []
        talk = Discourse()
        pending: list[Draft] = []  # events whose people are named in the next sentence
        for s_index, sentence in enumerate(doc.ct.sentences):
            triggers = find_triggers(doc, self.patterns, s_index, sentence)
            dating.date_triggers(doc, sentence, triggers)
            talk.new_sentence(sentence)
            named_here = self.subjects.acted_on(sentence, triggers)
            if pending and not triggers and named_here:
                name_later(pending, named_here)
                dating.next_sentence_date(doc, pending, sentence)
            pending = []
            for i, t in enumerate(triggers):
                next_start = triggers[i + 1].start if i + 1 < len(triggers) else sentence.end
                recent = s_index - talk.last_seen <= _RECENT
                found = self.subjects.subjects(sentence, t, talk, recent)
                subjects = found or []
                if subjects and not named_here:
                    talk.last_seen = s_index
                authority = args.authority(sentence, t)
                from_, to = args.ends(sentence, t)
                if t.rule.type == "transfer" and not from_ and args.taken_to_an_office(t, to):
                    continue
                record = EventRecord(
                    type=t.rule.type,
                    people=[p.name for p in subjects],
                    date=t.date,
                    status=t.status,
                    place=args.place(sentence, t, authority),
                    authority=authority,
                    judge=args.judge(sentence, t, triggers),
                    provisions=args.provisions(
                        sentence,
                        t,
                        next_start,
                        alone=t.rule.type == "administrative-detention"
                        and sum(x.rule.type in args.provision_types for x in triggers) == 1,
                    ),
                    from_=from_,
                    to=to,
                    outcome=t.rule.outcome,
                    penalty=args.penalty(sentence, t),
                    evidence=[doc.ct.evidence(sentence.start, sentence.end, t.rule.id)],
                )
                # "sentenced X and Y to 3 and 2.5 years, respectively": one event per person.
                for one in distribute.respectively(record, doc.text[t.end : sentence.end]):
                    draft = Draft(one, s_index, t.start, weak=t.rule.weak, dated_by="own" if t.date else "")
                    drafts.append(draft)
                    if found == [] and not t.rule.weak:
                        pending.append(draft)
            args.penalty_addenda(sentence, s_index, drafts)
            dating.incident_date(doc, sentence, s_index, drafts)
            talk.told(doc, sentence, s_index, named_here)
        return self._finish(drafts)

    def _finish(self, drafts: list[Draft]) -> list[EventRecord]:
        dating.borrow_dates(self.doc, drafts)
        strong = [d for d in drafts if not d.weak]  # noun mentions never stand alone
        dating.anchor_dates(self.doc, strong)
        self.arguments.penalty_hints(strong)
        self.arguments.from_next_sentence(strong)
        self.arguments.court_from_sentence_before(strong)
        strong = merging.fold_headings(self.doc, strong)
        merging.link_charges(strong)
        merging.share_court_arguments(strong)
        return [d.record for d in merging.merge(strong) if d.record.people]
