"""Step: an event's arguments besides people and date: authority, judge, place, from/to,
provisions, penalty. Which arguments a type takes, which kinds of organisation can be its
authority and how the authority is named come from the registry of event types."""

from __future__ import annotations

import re

from ingest.event_types import event_type, types_taking
from ingest.extract.events.document import Draft, EventDocument, Trigger
from ingest.extract.events.patterns import TriggerPatterns
from ingest.extract.events.subjects import AUX_START
from ingest.extract.organisations import Organisation
from ingest.extract.people import Person
from ingest.extract.resources import is_country, is_place
from ingest.extract.text import Sentence, months

_MONTHS = months()

_ENDS_KINDS = ("detention-facility", "state-body")
# The agent of an act: "by (officers of) the X" after the verb, "X (officers) arrested" before it.
_AGENT_AFTER = re.compile(
    r"\bby\s+(?:(?:the\s+)?(?:officers|agents|officials|members|employees|investigators|police\s+officers)"
    r"\s+(?:of|from)\s+)?(?:the\s+)?"
)
_AGENT_BEFORE = re.compile(
    r"(?:’s?|'s?)?(?:\s+\([^()]{1,20}\))?\s+(?:(?:security\s+|police\s+|plain-?clothes\s+)?(?:officers|agents|officials|forces|personnel|"
    r"investigators|police)\s+)?(?:(?:also|then|later|reportedly|allegedly)\s+)?$"
)
_SHARED_PLACE = re.compile(r"\bin\s+([A-Z][\w\-]+)\s+and\s+(?:then\s+)?$")
_TAKEN = re.compile(r"\b(?:taken|brought|escorted|sent)\b", re.I)
# What may open a sentence before its subject: a date or place phrase, "officers of the".
_CLAUSE_SUBJECT_HEAD = re.compile(
    r"(?:(?:On|In|At|By|Early|Late|Later)\b[^,;]{1,40},\s*)?"
    r"(?:(?i:the\s+)?(?i:officers|agents|members|officials|investigators|employees|forces|personnel)\s+(?:of|from)\s+)?"
    r"(?i:the\s+)?"
)
# What may open a sentence before a judge who is its subject: a date phrase, a title.
_JUDGE_HEAD = re.compile(
    r"(?:(?:On|In|At|Later|Then)\b[^,;]{1,40},\s*)?(?i:the\s+)?(?:(?i:presiding\s+|trial\s+)?(?i:judge|justice|magistrate)\s+)?"
)
# Between the subject and the verb: a passive, a relative clause or another clause.
_NOT_AGENT_BETWEEN = re.compile(r"[;:]|\b(?:was|were|been|being|is|are|who|which|whose|that|said|says|reported)\b")
_COURT_ANAPHOR = re.compile(r"\b(?:the|this|that)\s+(?:same\s+)?(?:court|tribunal)\b", re.I)
# Where a term is told for someone: "sentence X to five years in prison", "a 2 year sentence for X".
_PENALTY_HINT = re.compile(
    r"\bsentenc(?:e|ed|ing)\s+(?:[^;]{0,120}?)\bto\s+(?=(?:\w+\s+){0,3}?(?:years?|months?|days?)\b)"
    r"|\b(?:an?|the|his|her|their)\s+(?=(?:[\w.]+[\s\-]+){1,3}?(?:years?|months?)[\s\-]+(?:(?:prison|jail)\s+)?"
    r"(?:sentence|term)\b)",
    re.I,
)
_NOT_THE_ACTS_PLACE = re.compile(r"[;]|\b(?:for|over|about|because|against|criticising|criticizing)\b")
_COURT_LOOKBACK = 600  # characters before the sentence where "the court" finds its court


def _unnamed(authority: str | None) -> bool:
    """No authority, or only a description of one ("court", "a Chinese court", "regional court")."""
    return authority is None or all(w.islower() for w in authority.split()[1:] or authority.split())


def _is_judge(p: Person) -> bool:
    titles = [r.lower() for r in p.roles] + [(p.position or "").lower()]
    return p.kind == "authority" and any(t == "judge" or t.startswith("judge ") or t.endswith(" judge") for t in titles)


class ArgumentFinder:
    def __init__(self, doc: EventDocument, patterns: TriggerPatterns) -> None:
        self.doc = doc
        self.text = doc.text
        self.cues = patterns.cues
        self.judge_types = types_taking("judge")
        self.place_types = types_taking("place")
        self.provision_types = types_taking("provisions")

    # --- authority --------------------------------------------------------------------------
    def authority(self, sentence: Sentence, t: Trigger) -> str | None:
        doc, text = self.doc, self.text
        kind = t.rule.type
        spec = event_type(kind)
        orgs = [(s, e, o) for s, e, o in doc.orgs_in(sentence.start, sentence.end) if o.kind in spec.authority_kinds]
        if spec.authority_role == "addressee":
            # "appealed to the X Court": the court it was lodged with, named after the act.
            after_act = [x for x in orgs if x[0] >= t.end]
            return after_act[0][2].name if after_act else None
        if spec.authority_role == "agent":
            # "arrested ... by the National Police", "detained by FSB officers"
            clause = re.split(r"[;.]|,\s+(?:and|but|where|when|which|who)\b", text[t.end : t.end + 100])[0]
            for by in re.finditer(_AGENT_AFTER, clause):
                hit = [x for x in orgs if x[0] == t.end + by.end()]
                if hit:
                    return hit[0][2].name
            # "<Body> officers arrested X": the body named as the subject right before the verb.
            lead = text[max(sentence.start, t.start - 40) : t.start]
            agent = re.search(_AGENT_BEFORE, lead)
            if agent is not None:
                end = t.start - len(lead) + agent.start()
                hit = [x for x in orgs if x[1] == end]
                if hit:
                    return hit[0][2].name
            # The trigger itself begins inside the body's name ("Federal Police officers arrested").
            inside = [x for x in orgs if x[0] < t.start < x[1]]
            if inside:
                return inside[0][2].name
            return self._clause_subject(sentence, t, orgs)
        # The body that ordered or decided it: named before the act, else after it.
        before = [x for x in orgs if x[1] <= t.start]
        after = [x for x in orgs if x[0] >= t.end and not re.search(r"[;]", text[t.end : x[0]])]
        if before:
            return before[-1][2].name
        if _COURT_ANAPHOR.search(text[sentence.start : t.start]):
            # "His trial opened before the X Court. On 20 June the court convicted him."
            earlier = [
                o
                for s, e, o in doc.orgs_in(max(0, sentence.start - _COURT_LOOKBACK), sentence.start)
                if o.kind == "court"
            ]
            if earlier:
                return earlier[-1].name
        if after:
            return after[0][2].name
        officials = [
            p for _, p in doc.people_in(sentence.start, sentence.end) if p.kind == "authority" and not _is_judge(p)
        ]
        if officials and spec.authority_officials:
            return officials[0].name
        return None

    def _clause_subject(self, sentence: Sentence, t: Trigger, orgs: list[tuple[int, int, Organisation]]) -> str | None:
        """The body opening the sentence as the subject of an active verb: "On 9 May, officers
        of the X raided her home and arrested her" (not "X said she was arrested")."""
        if AUX_START.match(self.text, t.start):
            return None
        for s, e, o in orgs:
            if e > t.start:
                break
            if _CLAUSE_SUBJECT_HEAD.fullmatch(self.text, sentence.start, s) and not _NOT_AGENT_BETWEEN.search(
                self.text, e, t.start
            ):
                return o.name
        return None

    def from_next_sentence(self, drafts: list[Draft]) -> None:
        """ "A court sentenced X to five years. The Y Court in Z announced that ...", "The High Court
        quashed her conviction. Justice W cited ...": a court or judge opening the sentence after
        a court act that names none is the one that performed it."""
        sentences = self.doc.ct.sentences
        for d in drafts:
            r, nxt = d.record, d.sentence + 1
            spec = event_type(r.type)
            if d.weak or spec.authority_role != "decider" or nxt >= len(sentences):
                continue
            sentence = sentences[nxt]
            told_there = [x.record for x in drafts if x.sentence == nxt]
            if _unnamed(r.authority) and "court" in spec.authority_kinds:
                court = next(
                    (
                        o
                        for s, _, o in self.doc.orgs_in(sentence.start, sentence.end)
                        if o.kind == "court" and _CLAUSE_SUBJECT_HEAD.fullmatch(self.text, sentence.start, s)
                    ),
                    None,
                )
                if court is not None and not any(x.authority == court.name for x in told_there):
                    r.authority = court.name
                    r.place = r.place or (court.place if court.place and not is_country(court.place) else None)
            if r.judge is None and r.type in self.judge_types:
                judge = next(
                    (
                        p
                        for pos, p in self.doc.people_in(sentence.start, sentence.end)
                        if _is_judge(p) and _JUDGE_HEAD.fullmatch(self.text, sentence.start, pos)
                    ),
                    None,
                )
                if judge is not None and not any(x.judge == judge.name for x in told_there):
                    r.judge = judge.name

    def court_from_sentence_before(self, drafts: list[Draft]) -> None:
        """ "He was retried at an appeals court in March. It gave its verdict by reducing his
        sentence": an appeal decision naming no court was made by the court the sentence before
        names last (the decision needs a court; without one it is dropped)."""
        sentences = self.doc.ct.sentences
        for d in drafts:
            r = d.record
            if d.weak or r.type != "appeal-decision" or r.authority or d.sentence == 0:
                continue
            before = sentences[d.sentence - 1]
            courts = [o for _, _, o in self.doc.orgs_in(before.start, before.end) if o.kind == "court"]
            if courts:
                r.authority = courts[-1].name

    # --- judge, place, ends -----------------------------------------------------------------
    def judge(self, sentence: Sentence, t: Trigger, triggers: list[Trigger]) -> str | None:
        """The judge named in the sentence, for the court act nearest to the name."""
        if t.rule.type not in self.judge_types:
            return None
        for pos, p in self.doc.people_in(sentence.start, sentence.end):
            if not _is_judge(p):
                continue
            court_acts = [x for x in triggers if x.rule.type in self.judge_types]
            nearest = min(court_acts, key=lambda x: abs(x.start - pos))
            if nearest is t:
                return p.name
        return None

    def place(self, sentence: Sentence, t: Trigger, authority: str | None) -> str | None:
        if t.rule.type not in self.place_types:
            return None
        text = self.text
        after = text[t.end : min(sentence.end, t.end + 110)]
        m = re.search(r"\bin\s+(?:the\s+city\s+of\s+)?([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)", after)
        # "in <Place>" of the act, not of what the act was for ("for tweets about the war in X").
        if m and not re.search(
            r"[;]|\b(?:for|over|about|because|against|criticising|criticizing)\b", after[: m.start()]
        ):
            pos = t.end + m.start(1)
            inside_org = any(s <= pos < e for s, e, _ in self.doc.org_mentions)
            name = re.sub(r"\s+(?:City|Town|Region|Oblast|Province|District)$", "", m.group(1))
            month = name.split()[0].lower() in _MONTHS  # "sentenced in March 2018": a time, not a town
            if not inside_org and not month and (is_place(name) or is_place(name.split()[0])):
                return name
        # "raided her home in X and arrested her": coordinated acts share the place.
        shared = _SHARED_PLACE.search(text, max(sentence.start, t.start - 60), t.start)
        if shared and is_place(shared.group(1)):
            return shared.group(1)
        if authority:
            org = self.doc.organisation(authority)
            if org is not None and org.kind == "court" and org.place and not is_country(org.place):
                return org.place
        return None

    def ends(self, sentence: Sentence, t: Trigger) -> tuple[str | None, str | None]:
        """Where a transfer started and ended: places of custody, and the offices a detainee
        is taken to ("to the Prosecutor's Office")."""
        if not event_type(t.rule.type).takes("to"):
            return None, None
        mentions = self.doc.org_mentions
        ends: dict[str, str | None] = {"from": None, "to": None}
        for m in re.finditer(r"\b(from|to)\s+(?:the\s+|an?\s+)?", self.text[t.start : sentence.end]):
            which = m.group(1)
            if ends[which]:
                continue
            pos = t.start + m.end()
            org = next((o for s, e, o in mentions if abs(s - pos) <= 2 and o.kind in _ENDS_KINDS), None)
            if org is None:
                org = next((o for s, e, o in mentions if s <= pos < e and o.kind in _ENDS_KINDS), None)
            if org is not None:
                ends[which] = org.name
        if t.status == "planned" and ends["to"] and not ends["from"]:
            # "where they remained detained ... before being transferred to Y": a move yet to
            # come starts from the place of custody named before it in the sentence.
            held = [
                o
                for s, e, o in mentions
                if sentence.start <= s and e <= t.start and o.kind == "detention-facility" and o.name != ends["to"]
            ]
            if held:
                ends["from"] = held[-1].name
        return ends["from"], ends["to"]

    def taken_to_an_office(self, t: Trigger, to: str | None) -> bool:
        """ "taken to the Investigative Committee and charged": brought before a body, not
        moved from one place of detention to another."""
        if to is None or not _TAKEN.search(self.text, t.start, t.end):
            return False
        org = self.doc.organisation(to)
        return org is not None and org.kind != "detention-facility"

    # --- provisions and penalty -------------------------------------------------------------
    def provisions(self, sentence: Sentence, t: Trigger, next_start: int, alone: bool = False) -> list[str]:
        """The provisions told from the trigger to the next one; the only act of its kind in the
        sentence (`alone`) owns every provision in it ("found guilty under Article X ... and
        sentenced to 15 days of administrative arrest")."""
        if t.rule.type not in self.provision_types:
            return []
        start = sentence.start if alone else t.start
        out = [
            p.label
            for p in self.doc.provisions
            if start <= p.start < next_start and p.start < sentence.end and p.code and p.code != "Constitution"
        ]
        return list(dict.fromkeys(out))

    def penalty(self, sentence: Sentence, t: Trigger) -> str | None:
        if t.rule.penalty == "match":
            return self.text[t.start : t.end].strip()
        if t.rule.penalty is True:
            # "7 (seven) years": the number spelled out in brackets is not where the term stops.
            tail = re.sub(r"(\d)\s*\([a-z\- ]+\)", r"\1", self.text[t.end : sentence.end])
            stop = self.cues["penalty_stop"].search(tail)
            piece = tail[: stop.start()] if stop else tail
            # A term of art in quotes ("one year of “freedom limitation”") is kept, its quotes not.
            piece = re.sub(r"[\"“”]", "", piece).strip()
            return piece or None
        return None

    def penalty_addenda(self, sentence: Sentence, s_index: int, drafts: list[Draft]) -> None:
        """ "They were also banned from ... for three years": added to the sentence just told."""
        recent = [d for d in drafts[-8:] if s_index - d.sentence <= 1]
        target = next((d for d in reversed(recent) if d.record.type == "sentence" and not d.weak), None)
        if target is None:
            return
        stop = self.cues["penalty_stop"]
        for m in self.cues["penalty_addenda"].finditer(self.text, sentence.start, sentence.end):
            piece = m.group(0).strip()
            cut = stop.search(piece)  # "a fine of US$1,500 on 11 November": the fine, not its day
            piece = piece[: cut.start()].strip() if cut else piece
            current = target.record.penalty or ""
            if piece and piece not in current:
                target.record.penalty = f"{current}; {piece}" if current else piece

    def penalty_hints(self, drafts: list[Draft]) -> None:
        """A sentence told without its term ("convicted and sentenced on 28 November") takes the
        term stated elsewhere for the same people ("upheld the decision to sentence X and Y to
        five years in prison", "a five-year prison sentence")."""
        wanting = [d for d in drafts if d.record.type == "sentence" and not d.record.penalty]
        if not wanting:
            return
        hints: list[tuple[set[str], str]] = []
        stop = self.cues["penalty_stop"]
        for sentence in self.doc.ct.sentences:
            names = {p.name for _, p in self.doc.people_in(sentence.start, sentence.end)}
            for m in _PENALTY_HINT.finditer(sentence.text):
                tail = sentence.text[m.end() :]
                cut = stop.search(tail)
                piece = (tail[: cut.start()] if cut else tail).strip()
                if piece:
                    hints.append((names, piece))
        for d in wanting:
            people = set(d.record.people)
            hit = next((p for names, p in hints if names & people), None)
            if hit:
                d.record.penalty = hit
