"""Step: an event's date. The rules are data (ingest/data/extract/dating.yaml, described there):

- `date_triggers`: in its own sentence, each date mention goes to its trigger; a trigger
  without one takes the date of a trigger coordinated with it or of the sentence's opening;
- `borrow_dates`: across sentences, an undated act borrows the date of an earlier act by the
  first `borrow` rule that finds one (verdicts told over two sentences, the hearing that
  charged and remanded, the release in the courtroom after an acquittal...);
- `anchor_dates`: an act told as happening at another ("after his arrest") takes its date;
- `incident_date` and `next_sentence_date`: a date told in the sentence that follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ingest.event_types import EventType, registry
from ingest.extract.dates import ATTRIBUTIVE_PREFIX, DateMention
from ingest.extract.events.document import Draft, EventDocument, Trigger, overlap
from ingest.extract.resources import DATA, DataFileError, compile_pattern, is_place, load_yaml
from ingest.extract.text import Sentence

DATING_FILE = DATA / "dating.yaml"
_CLAUSE_KEYS = (
    "scheduled",
    "when_after",
    "after_act",
    "since",
    "coordinated",
    "while_clause",
    "same_day",
    "reported",
    "reporting_verb",
    "told_before",
    "custody",
    "relative",
    "standing",
)
# Dates counted from another ("three months later"): a date told in full beside one is the act's.
_COUNTED = frozenset({"months-later"})
# The tense of a standing state told by a trigger: "(who) are accused", "(that) is charged".
_PRESENT = re.compile(r"(?:is|are)\b", re.I)
_BORROW_KEYS = {
    "id",
    "types",
    "from",
    "lender",
    "sentences",
    "same_people",
    "same_paragraph",
    "lender_status",
    "unless",
}
# How far (characters) the cues of a date mention are looked for around it.
_PREFIX_WINDOW, _SCHEDULED_WINDOW, _SINCE_WINDOW = 14, 24, 8
_OPENING = 25  # a date this close to the sentence start opens the sentence
_AFTER_ACT_REACH = 80  # a date after "on" belongs to an act told at most this far before it
_STATE_SINCE_REACH = 30  # "held in custody since 3 April": "since" right after the state
_REPORTED_WINDOW = 40  # how far before a date the verb or noun of its report is looked for


@dataclass(frozen=True)
class BorrowRule:
    id: str
    types: frozenset[str] | None  # None: any type
    lenders: frozenset[str] | None  # None: any type
    same_type: bool  # the lender is of the borrower's own type
    weak_only: bool
    sentences: tuple[int, int]
    same_people: bool
    same_paragraph: bool
    occurred_only: bool
    unless: re.Pattern[str] | None

    def borrows(self, kind: str) -> bool:
        return self.types is None or kind in self.types

    def lends(self, borrower: str, lender: str) -> bool:
        if self.same_type:
            return lender == borrower
        return self.lenders is None or lender in self.lenders


@dataclass(frozen=True)
class DatingRules:
    clause: dict[str, re.Pattern[str]]
    borrow: list[BorrowRule]
    anchors: list[tuple[str, re.Pattern[str]]]  # (lender type, pattern on the borrower's sentence)
    incident: re.Pattern[str]
    since_after: frozenset[str] = frozenset()  # types a `since` date told right after dates


def _types(value: Any, where: str, types: dict[str, EventType]) -> frozenset[str] | None:
    """A type selection: `any` (None), a list of types, or registry fields to match."""
    if value == "any":
        return None
    if isinstance(value, list) and value and all(v in types for v in value):
        return frozenset(value)
    if isinstance(value, dict) and value:
        fields = set(EventType.__dataclass_fields__)
        unknown = sorted(set(value) - fields)
        if unknown:
            raise DataFileError(f"{where}: {unknown[0]!r} is not a field of the registry of event types")
        return frozenset(t.name for t in types.values() if all(getattr(t, k) == v for k, v in value.items()))
    bad = [v for v in value if v not in types] if isinstance(value, list) and value else [value]
    raise DataFileError(f"{where}: {bad[0]!r} is not an event type of the registry ({', '.join(types)})")


def _pattern(value: Any, where: str) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise DataFileError(f"{where}: must be a regular expression")
    return compile_pattern(value, where, flags=0)


def _borrow_rule(raw: Any, where: str, types: dict[str, EventType]) -> BorrowRule:
    if not isinstance(raw, dict):
        raise DataFileError(f"{where}: must be a mapping")
    unknown = sorted(set(raw) - _BORROW_KEYS)
    if unknown:
        raise DataFileError(f"{where}: unknown key {unknown[0]!r} (expected one of {', '.join(sorted(_BORROW_KEYS))})")
    if not isinstance(raw.get("id"), str):
        raise DataFileError(f"{where}: id: every rule needs an id (it names how an event was dated)")
    window = raw.get("sentences")
    if not (isinstance(window, list) and len(window) == 2 and all(isinstance(n, int) for n in window)):
        raise DataFileError(f"{where}: sentences: must be [min, max], numbers of sentences before the borrower")
    if raw.get("lender", "any") not in ("any", "weak"):
        raise DataFileError(f"{where}: lender: must be any or weak, not {raw.get('lender')!r}")
    if raw.get("lender_status", "any") not in ("any", "occurred"):
        raise DataFileError(f"{where}: lender_status: must be any or occurred, not {raw.get('lender_status')!r}")
    for flag in ("same_people", "same_paragraph"):
        if not isinstance(raw.get(flag, False), bool):
            raise DataFileError(f"{where}: {flag}: must be true or false")
    lenders = raw.get("from")
    return BorrowRule(
        id=raw["id"],
        types=_types(raw.get("types"), f"{where}.types", types),
        lenders=None if lenders == "same" else _types(lenders, f"{where}.from", types),
        same_type=lenders == "same",
        weak_only=raw.get("lender") == "weak",
        sentences=(window[0], window[1]),
        same_people=bool(raw.get("same_people")),
        same_paragraph=bool(raw.get("same_paragraph")),
        occurred_only=raw.get("lender_status") == "occurred",
        unless=_pattern(raw["unless"], f"{where}.unless") if "unless" in raw else None,
    )


def parse_dating_rules(data: Any, source: str, types: dict[str, EventType] | None = None) -> DatingRules:
    """The dating rules of `data` (a parsed dating.yaml), checked against the registry."""
    types = registry() if types is None else types
    if not isinstance(data, dict):
        raise DataFileError(f"{source}: expected a mapping at the top level")
    unknown = sorted(set(data) - {"clause", "borrow", "anchors", "incident", "since_after"})
    if unknown:
        raise DataFileError(
            f"{source}: {unknown[0]}: unknown key (expected clause, borrow, anchors, incident, since_after)"
        )
    clause_data = data.get("clause")
    if not isinstance(clause_data, dict) or set(clause_data) != set(_CLAUSE_KEYS):
        raise DataFileError(f"{source}: clause: must give exactly {', '.join(_CLAUSE_KEYS)}")
    clause = {key: _pattern(clause_data[key], f"{source}: clause.{key}") for key in _CLAUSE_KEYS}
    borrow = [_borrow_rule(r, f"{source}: borrow[{i}]", types) for i, r in enumerate(data.get("borrow") or [])]
    anchors = []
    for i, a in enumerate(data.get("anchors") or []):
        where = f"{source}: anchors[{i}]"
        if not isinstance(a, dict) or set(a) != {"from", "pattern"} or a["from"] not in types:
            raise DataFileError(f"{where}: needs `from` (an event type of the registry) and `pattern`")
        anchors.append((str(a["from"]), _pattern(a["pattern"], where)))
    since_after: frozenset[str] = frozenset()
    if "since_after" in data:
        since_after = _types(data["since_after"], f"{source}: since_after", types) or frozenset(types)
    return DatingRules(clause, borrow, anchors, _pattern(data.get("incident"), f"{source}: incident"), since_after)


@lru_cache(maxsize=1)
def dating_rules() -> DatingRules:
    return parse_dating_rules(load_yaml("dating.yaml"), str(DATING_FILE))


# --- in the sentence ----------------------------------------------------------------------


def date_triggers(doc: EventDocument, sentence: Sentence, triggers: list[Trigger]) -> None:
    """Give each trigger of `sentence` the date its own clause tells, where it tells one."""
    if not triggers:
        return
    rules = dating_rules().clause
    text = doc.text
    mentions = [
        d
        for d in doc.dates_in(sentence.start, sentence.end)
        if d.iso
        and (
            not ATTRIBUTIVE_PREFIX.search(text[max(sentence.start, d.start - _PREFIX_WINDOW) : d.start])
            # "the hearing is scheduled for 20 September": the date of the act announced
            or rules["scheduled"].search(text[max(sentence.start, d.start - _SCHEDULED_WINDOW) : d.start])
            # "in detention since 13 June 2016, when police arrested him"
            or rules["when_after"].match(text[d.end : d.end + 8])
        )
    ]
    if any(not d.dateline for d in mentions):
        # The dateline filed the story; the sentence's own date is the act's.
        mentions = [d for d in mentions if not d.dateline]
    # "the group reported on 3 March that ...", "In a statement on Monday, ...": the date of
    # the report, not of the act it tells.
    mentions = [
        d
        for d in mentions
        if not rules["reported"].search(text[max(sentence.start, d.start - _REPORTED_WINDOW) : d.start])
    ]
    standing = {id(t) for t in triggers if _standing(text, sentence, t)}
    # "Two months later, on 7 July, he was charged": the date told in full wins over the count.
    for d in sorted(mentions, key=lambda m: m.kind in _COUNTED):
        # "Today the ICJ joined ... an appeal regarding a case of obstruction": a report's verb
        # between the date and a trigger puts them in different clauses; so does a relative
        # clause told between them ("accused ... during violence that took place in June 2010").
        reachable = [
            t
            for t in triggers
            if not rules["reporting_verb"].search(_between(text, d, t))
            and not (t.end <= d.start and _describes_other(rules["relative"], text, t, d))
            and id(t) not in standing
        ]
        if not reachable:
            continue
        owner = min(reachable, key=lambda t: max(t.start - d.end, d.start - t.end, 0))
        # "arrested X on 31 May, and charged her": a date after "on" belongs to the act
        # told just before it, not to the next one.
        lead = text[max(sentence.start, d.start - 4) : d.start]
        # A trigger that spans the date ("sentenced in March 2019 to three years") keeps it.
        inside = owner.start <= d.start and d.end <= owner.end
        if rules["after_act"].search(lead) and d.start - sentence.start > _OPENING and not inside:
            before = [
                t for t in triggers if t.end <= d.start and d.start - t.end <= _AFTER_ACT_REACH and not t.has_own_date
            ]
            if before:
                owner = before[-1]
        if not owner.has_own_date:
            owner.date, owner.has_own_date = d.iso, True
    for t in triggers:
        if t.status == "planned" and t.has_own_date and rules["told_before"].search(text[sentence.start : t.start]):
            t.status = "occurred"
    states = dating_rules().since_after
    for t in triggers:
        if not t.has_own_date and t.rule.lasting:
            # "since April 2022, her sons have been banned from travelling": when it began.
            began = [
                d
                for d in doc.dates_in(sentence.start, t.start)
                if d.iso and rules["since"].search(text[max(sentence.start, d.start - _SINCE_WINDOW) : d.start])
            ]
            if began and not any(began[-1].end < x.start < t.start for x in triggers):
                t.date, t.has_own_date = began[-1].iso, True
        if (
            not t.has_own_date
            and t.rule.type in states
            # An act that is not a state itself dates by `since` only when told as the custody
            # it began ("detained since"), not as acts counted over a time ("arrested since").
            and (registry()[t.rule.type].state or rules["custody"].search(text[t.start : t.end]))
        ):
            # "held under house arrest since 3 April", "has been detained in jail since November
            # 2018": the state, or the custody, began then.
            since = next(
                (
                    d
                    for d in doc.dates_in(t.end, t.end + _STATE_SINCE_REACH + 1)
                    if d.iso
                    and t.end <= d.start <= t.end + _STATE_SINCE_REACH
                    and rules["since"].search(text[max(sentence.start, d.start - _SINCE_WINDOW) : d.start])
                ),
                None,
            )
            if since is not None:
                t.date, t.has_own_date = since.iso, True
    opening = next((d for d in mentions if d.start - sentence.start <= _OPENING), None)
    for i, t in enumerate(triggers):
        if t.has_own_date or t.status == "planned" or id(t) in standing:
            continue
        for j in (i - 1, i + 1):
            if 0 <= j < len(triggers) and triggers[j].has_own_date and triggers[j].status == t.status:
                a, b = sorted((t, triggers[j]), key=lambda x: x.start)
                between = text[a.end : b.start]
                coordinated = (
                    rules["coordinated"].search(between)
                    and ";" not in between
                    and ("," not in between or between.rstrip().endswith("and"))
                )
                if coordinated or (";" not in between and rules["while_clause"].search(between)):
                    t.date = triggers[j].date
                    break
        if t.date is None:
            # "acquitted on 6 June, the day on which the same court convicted Y"
            earlier = [x for x in triggers[:i] if x.has_own_date and x.status == t.status]
            if earlier and rules["same_day"].search(text, earlier[-1].end, t.start):
                t.date, t.has_own_date = earlier[-1].date, True
        # "Today the ICJ joined an appeal about the obstruction of X": "today" opening a
        # report's sentence is the report's day, not the act's.
        if (
            t.date is None
            and opening is not None
            and not (opening.kind == "today" and rules["reporting_verb"].search(_between(text, opening, t)))
        ):
            t.date = opening.iso


def _describes_other(pattern: re.Pattern[str], text: str, t: Trigger, d: DateMention) -> bool:
    """Whether a clause told between trigger `t` and date `d` (after it) owns the date: a relative
    clause, or the verdict the trigger acts on told with its participle ("upheld the sentence
    imposed in January"), whose noun may end the trigger but not begin it."""
    m = pattern.search(text, t.start, d.start)
    return m is not None and m.start() > t.start


def _standing(text: str, sentence: Sentence, t: Trigger) -> bool:
    """A trigger told in the present tense right after a relative pronoun: "(activists) who
    are accused of ..." describes who they are, it is no step of the sentence's story."""
    lead = text[max(sentence.start, t.start - 12) : t.start]
    return bool(dating_rules().clause["standing"].search(lead) and _PRESENT.match(text, t.start))


def _between(text: str, d: DateMention, t: Trigger) -> str:
    return text[d.end : t.start] if d.end <= t.start else text[t.end : d.start]


def next_sentence_date(doc: EventDocument, pending: list[Draft], sentence: Sentence) -> None:
    """ "A court upheld the sentence of two activists. The court on 20 January ruled to leave
    X and Y in prison": an act whose people are named in the next sentence takes its date."""
    date = next((d.iso for d in doc.dates_in(sentence.start, sentence.end) if d.iso), None)
    for d in pending:
        if d.record.date is None and date and d.record.status == "occurred":
            d.record.date, d.dated_by = date, "next"


def incident_date(doc: EventDocument, sentence: Sentence, s_index: int, drafts: list[Draft]) -> None:
    """ "The incident took place on 24 July 2015 in the city of X": the date and place of the
    undated event told in the two sentences before."""
    if not dating_rules().incident.search(sentence.text):
        return
    target = next((d for d in reversed(drafts) if s_index - d.sentence <= 2 and not d.record.date), None)
    if target is None:
        return
    date = next((d.iso for d in doc.dates_in(sentence.start, sentence.end) if d.iso), None)
    if date:
        target.record.date = date
        target.dated_by = "incident"
    if not target.record.place:
        m = re.search(r"\bin\s+(?:the\s+city\s+of\s+)?([A-Z][\w\-]+)", sentence.text)
        if m and is_place(m.group(1)):
            target.record.place = m.group(1)


# --- across sentences ---------------------------------------------------------------------


def borrow_dates(doc: EventDocument, drafts: list[Draft]) -> None:
    """Each undated act that occurred takes the date the first matching `borrow` rule finds."""
    rules = dating_rules().borrow
    sentences = doc.ct.sentences
    weak = [d for d in drafts if d.weak]
    for d in drafts:
        r = d.record
        if d.weak or r.date or r.status == "planned":
            continue
        for rule in rules:
            if not rule.borrows(r.type):
                continue
            if rule.unless is not None and rule.unless.search(sentences[d.sentence].text):
                continue
            low, high = rule.sentences
            lenders = [
                p
                for p in (weak if rule.weak_only else drafts)
                if low <= d.sentence - p.sentence <= high
                and p.record.date
                and rule.lends(r.type, p.record.type)
                and (not rule.occurred_only or p.record.status == "occurred")
                and (not rule.same_people or overlap(p.record, r))
                and (not rule.same_paragraph or sentences[p.sentence].paragraph == sentences[d.sentence].paragraph)
            ]
            if lenders:
                r.date, d.dated_by = lenders[-1].record.date, rule.id
                break


def anchor_dates(doc: EventDocument, drafts: list[Draft]) -> None:
    """ "He was beaten after his arrest": an undated act takes the date of the act it is told
    against, the last one of that type with a date among the same people before it."""
    anchors = dating_rules().anchors
    for d in drafts:
        r = d.record
        if r.date or r.status != "occurred":
            continue
        text = doc.ct.sentences[d.sentence].text
        for kind, pattern in anchors:
            if kind == r.type or not pattern.search(text):
                continue
            before = [
                x.record
                for x in drafts
                if x.record.type == kind and x.record.date and x.sentence <= d.sentence and overlap(x.record, r)
            ]
            if before:
                r.date, d.dated_by = before[-1].date, "anchor"
                break
