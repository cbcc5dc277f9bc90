"""Step: the people an event is done to.

Named in the sentence, or, when it names nobody, the people the text is talking about: a
plural or singular anaphor ("they", "the two", "he", "the writer") or no subject at all refers
to the last group named, except that a relative named last in the paragraph before gives way
to the person the report is about. The names right before a passive verb, a pronoun subject
("She was acquitted ... the court convicted Y"), a pronoun object ("remanded him") and a
speaker's own pronoun ("X told the court officers beat him") pick the subject among several
names; a generic subject ("32 other people") refers to nobody. Officials, the agent of a
passive, a relation named beside the subject and a speaker are never the subject.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.extract.events.document import Draft, EventDocument, Trigger
from ingest.extract.events.patterns import Anaphors
from ingest.extract.people import Person
from ingest.extract.resources import is_place
from ingest.extract.text import Sentence

_COUNSEL = re.compile(r"\b(?:lawyer|attorney|counsel|advocate)s?\s+(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?$", re.I)
# Where the object of an active verb ends: a relative clause, a preposition, the clause's end.
_OBJECT_END = re.compile(
    r",\s+(?:who|which|a|an|the|after|as)\b|\s(?:who|to|for|in|on|at|after|because|from|over)\s|[;.:]"
)
_WHOSE_KIN = re.compile(
    r"\bwhose\s+(?:[\w\-]+\s+)?(?:father|mother|son|daughter|husband|wife|brother|sister|parents?|relatives?|"
    r"family|children|child)\s+(?:(?:was|were|has\s+been|had\s+been|is|are)\s+)?(?:\w+ly\s+)?$",
    re.I,
)
_POSSESSIVE = re.compile(r"(?:his|her)\b", re.I)
_OBJECT_PRONOUN = re.compile(r"\s*(him|her|them)\b", re.I)
_PRONOUN_AND_KIN = re.compile(r"\s*(?:him|her)\s+and\s+(?:his|her)\s+")
# "She was acquitted ... the day the court convicted X": a pronoun right before a passive verb is
# its subject, whoever else the sentence names after it.
_PRONOUN_SUBJECT = re.compile(
    r"(?:^|[,;:]\s*|\band\s+|\bbut\s+)(?:he|she)\s+(?:(?:was|is|has\s+been|had\s+been)\s+)?(?:\w+ly\s+)?$", re.I
)
# "the Bolotnaya case", "the so-called X conspiracy": a name that labels a case or a gathering
# is nobody acted on.
_LABEL_BEFORE = re.compile(r"\b(?:the|so-called)\s+[“\"'‘]?$", re.I)
_LABEL_AFTER = re.compile(
    r"[”\"'’]?\s+(?:case|cases|conspiracy|uprising|affair|plot|crackdown|protests?|movement|rally|rallies|"
    r"riots?|events|massacre|trial\s+of)\b",
    re.I,
)
AUX_START = re.compile(r"(?:was|were|been|being|be|is|are|got|get)\b", re.I)
# The auxiliary told just before a trigger that starts at its participle ("X was also handed a
# suspended sentence", "X, the editor, was given a one-year term").
_AUX_BEFORE = re.compile(r"\b(?:was|were|has\s+been|have\s+been|had\s+been)\s+(?:\w+ly\s+|also\s+|later\s+)?$", re.I)
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
class Discourse:
    """Who the text is talking about, sentence by sentence."""

    last_group: list[Person] = field(default_factory=list)  # the last people named as acted on
    last_single: Person | None = None  # the last one person named as acted on
    last_plural: list[Person] = field(default_factory=list)  # the last two or more named together
    last_seen: int = -10  # sentence where the last group was last named
    single_paragraph: int = -1  # paragraph of last_single
    principal: Person | None = None  # the last person acted on who is not a relative

    def new_sentence(self, sentence: Sentence) -> None:
        if self.last_single is not None and self.last_single.relative and self.single_paragraph != sentence.paragraph:
            # "he", "the writer" opening a new paragraph: the person the report is about, not
            # a relative told of at the end of the paragraph before ("his wife was freed on bail").
            self.last_single = self.principal or self.last_single
            if len(self.last_group) == 1:
                self.last_group = [self.last_single]

    def told(self, doc: EventDocument, sentence: Sentence, s_index: int, named: list[Person]) -> None:
        """After a sentence: the people it named as acted on become the ones talked about."""
        if named and not set(named) <= set(self.last_group):
            self.last_group = named
        if len(named) >= 2:
            self.last_plural = named
        if named:
            self.last_seen = s_index
        acted_on = set(named)
        singles = [p for _, p in doc.people_in(sentence.start, sentence.end) if p in acted_on]
        if singles:
            self.last_single, self.single_paragraph = singles[-1], sentence.paragraph
            self.principal = next((p for p in reversed(singles) if not p.relative), self.principal)


class SubjectFinder:
    def __init__(self, doc: EventDocument, anaphors: Anaphors) -> None:
        self.doc = doc
        self.text = doc.text
        self.anaphors = anaphors

    def acted_on(
        self, sentence: Sentence, triggers: list[Trigger] | None = None, after: int | None = None
    ) -> list[Person]:
        """People named in the sentence who may be the subject of its acts: not officials, not
        the agent of a passive nor a relation named beside the subject ("her lawyer, X"), not
        the counsel who lodges an appeal for a client ("the lawyer X filed an appeal")."""
        appeal = any(t.rule.type.startswith("appeal") for t in triggers or [])
        text = self.text
        return list(
            dict.fromkeys(
                p
                for pos, p in self.doc.people_in(sentence.start, sentence.end)
                if p.kind != "authority"
                and not is_place(p.name)
                and not self.labels(pos, p, sentence)
                and not _AGENT_BY.search(text[max(sentence.start, pos - 50) : pos])
                and not (
                    (after is None or pos >= after) and _RELATION.search(text[max(sentence.start, pos - 50) : pos])
                )
                and not self.speaks(pos, sentence)
                # Counsel acting for a client ("the lawyer X filed an appeal", "Lawyer X asked the
                # court to ..." in a sentence telling no act) is not who the acts are about.
                and not (
                    (appeal or (triggers is not None and not triggers))
                    and _COUNSEL.search(text[max(sentence.start, pos - 40) : pos])
                )
            )
        )

    def labels(self, pos: int, person: Person, sentence: Sentence) -> bool:
        """The name is a label: "the X case", "the X conspiracy"."""
        before = self.text[max(sentence.start, pos - 15) : pos]
        return bool(_LABEL_BEFORE.search(before)) and bool(
            _LABEL_AFTER.match(self.text, self.doc.mention_end(pos, person), sentence.end)
        )

    def speaks(self, pos: int, sentence: Sentence) -> bool:
        """ "X said he was beaten", "lawyer X told reporters": the speaker, not the subject."""
        end = self.doc.mention_end(pos)
        if self.anaphors.reporting_after.match(self.text, end, sentence.end):
            return True
        before = self.text[max(sentence.start, pos - 40) : pos]
        return bool(self.anaphors.reporting_before.search(before))

    def subjects(self, sentence: Sentence, trigger: Trigger, talk: Discourse, recent: bool) -> list[Person] | None:
        """The people an event is done to; None when its subject is explicitly unnamed people
        ("32 other people were detained"), [] when they may be named in the next sentence."""
        doc, text = self.doc, self.text
        last_group, last_single = talk.last_group, talk.last_single
        inside = [p for _, p in doc.people_in(trigger.start, trigger.end)]
        if inside:
            return list(dict.fromkeys(inside))  # "ordered X's release": the possessor
        if _WHOSE_KIN.search(text, max(sentence.start, trigger.start - 60), trigger.start):
            return None  # "a family whose father was convicted": someone else, unnamed
        if trigger.rule.object_after:
            # "summoned member X, who had campaigned for Y's release": the object, not Y.
            stop = _OBJECT_END.search(text, trigger.end, sentence.end)
            objects = [
                p
                for _, p in doc.people_in(trigger.end, stop.start() if stop else sentence.end)
                if p.kind != "authority"
            ]
            pronoun = _OBJECT_PRONOUN.match(text, trigger.end)
            if pronoun and pronoun.group(1).lower() in ("him", "her") and last_single is not None:
                objects.insert(0, last_single)  # "arrested him and his wife, X"
            if objects:
                return list(dict.fromkeys(objects))
        # "denied access to his wife X until his trial on 26 December": "his" is the one talked
        # about, not the relative named before it.
        if (
            _POSSESSIVE.match(text, trigger.start)
            and last_single is not None
            and not self.acted_on(sentence, [trigger], after=sentence.start)
        ):
            return [last_single]
        kin = _PRONOUN_AND_KIN.match(text, trigger.end)
        if kin and last_single is not None:
            # "arrested him and his wife, X": the person just told of, and the relatives after.
            relatives = [p for _, p in doc.people_in(kin.end(), min(sentence.end, kin.end() + 90))]
            return list(dict.fromkeys([last_single, *relatives]))
        passive = self.passive_subject(sentence, trigger)
        if passive:
            return passive
        named = self.acted_on(sentence, [trigger], after=trigger.end)
        if (
            named
            and last_single is not None
            and _PRONOUN_SUBJECT.search(text[sentence.start : trigger.start])
            and all(pos >= trigger.end for pos, _ in doc.people_in(sentence.start, sentence.end))
        ):
            return [last_single]
        # "the court convicted him": the pronoun right after the verb is its object.
        pronoun = _OBJECT_PRONOUN.match(text, trigger.end)
        if pronoun and pronoun.group(1).lower() in ("him", "her") and len(named) > 1:
            # "denied X bail and remanded him, while Y ...": the one named last before the verb.
            before = [p for _, p in doc.people_in(sentence.start, trigger.start) if p in named]
            if before:
                return [before[-1]]
        window = text[sentence.start : pronoun.end() if pronoun else trigger.end]
        if self.anaphors.plural.search(window) and set(named) <= set(last_group or talk.last_plural):
            # "they", "the two": the last group of two or more named together.
            if len(last_group) >= 2 or not talk.last_plural:
                return list(last_group) if last_group else []
            return list(talk.last_plural)
        if named:
            return named
        if doc.is_heading(trigger.sentence):
            return None  # a headline names its subject or none; the text below tells the act
        if self.anaphors.singular.search(window):
            # "X told the court that officers beat him": the speaker is the one meant.
            speakers = [p for pos, p in doc.people_in(sentence.start, trigger.start) if self.speaks(pos, sentence)]
            if speakers and speakers[-1].kind != "authority":
                return [speakers[-1]]
            if last_single is not None:
                return [last_single]
        clause = text[max(sentence.start, trigger.start - 120) : trigger.end]
        if any(g.search(clause) for g in self.anaphors.generic):
            return None
        if not recent:
            return []
        return list(last_group)

    def passive_subject(self, sentence: Sentence, trigger: Trigger) -> list[Person]:
        """ "..., while Leung was released on bail": the names right before a passive verb
        ("X and Y were detained") are its subject, whoever else the sentence names."""
        edge = trigger.start
        if not AUX_START.match(self.text, trigger.start):
            aux = _AUX_BEFORE.search(self.text, max(sentence.start, trigger.start - 40), trigger.start)
            if aux is None:
                return []
            edge = aux.start()
        found: list[Person] = []
        for pos, p in reversed(self.doc.people_in(sentence.start, trigger.start)):
            end = self.doc.mention_end(pos, p)
            gap = self.text[end:edge]
            # the first name may close an apposition ("The editor, X, was given ...")
            if not re.fullmatch(r"(?:’s|'s)?\s*,?\s*" if not found else r"\s*(?:,|,?\s+and|&)\s*", gap):
                break
            if p.kind == "authority" or _RELATION.search(self.text[max(sentence.start, pos - 50) : pos]):
                return []
            found.insert(0, p)
            edge = pos
        # "They were charged ... (later, X was released)": the name before the verb, not the group.
        return list(dict.fromkeys(found))


def name_later(pending: list[Draft], named: list[Person]) -> None:
    """ "A court upheld the sentence of two activists. The court on 20 January ruled to leave
    X and Y in prison": the people of an act are named in the sentence that follows."""
    for d in pending:
        d.record.people = [p.name for p in named]
