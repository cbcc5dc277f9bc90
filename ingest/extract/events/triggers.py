"""Step 1 of an event: its trigger, the words in a sentence that tell an act.

Rules are tried in the order of events.yaml; a later match overlapping an earlier one is
dropped, so more specific rules come first. A trigger a blocker word negates ("request for
house arrest was rejected", "urge the authorities to release") is dropped; the wording before
it decides whether the act is planned; triggers that give way to another act of the same
sentence (`yields` in events.yaml, and a lasting ban told after a sentence) are dropped.
"""

from __future__ import annotations

import re

from ingest.extract.events.document import EventDocument, Trigger
from ingest.extract.events.patterns import TriggerPatterns
from ingest.extract.text import Sentence

_NEGATED = re.compile(r"\b(?:not|never|no\s+longer)\b", re.I)
_BLOCKER_WINDOW = 90  # characters before a trigger that may negate or plan it


def find_triggers(doc: EventDocument, patterns: TriggerPatterns, s_index: int, sentence: Sentence) -> list[Trigger]:
    cues = patterns.cues
    found: list[Trigger] = []
    for rule in patterns.rules:  # in file order: an earlier rule wins an overlap
        for m in rule.pattern.finditer(doc.text, sentence.start, sentence.end):
            if any(m.start() < t.end and t.start < m.end() for t in found):
                continue
            before = doc.text[max(sentence.start, m.start() - _BLOCKER_WINDOW) : m.start()]
            if cues["blockers"].search(before) or _NEGATED.search(m.group(0)):
                continue  # "was not released": the negation may sit inside the trigger
            planned = cues["planned_cues"].search(before) and not cues["not_planned"].search(before)
            status = rule.status or ("planned" if planned else "occurred")
            found.append(Trigger(m.start(), m.end(), rule, s_index, status))
    found.sort(key=lambda t: t.start)
    sentences = [t for t in found if t.rule.type == "sentence"]
    if sentences:
        # "sentenced to 18 years followed by an 18-year travel ban": the ban is part of the penalty.
        found = [
            t
            for t in found
            if not t.rule.lasting
            or not any(x.end <= t.start and ";" not in doc.text[x.end : t.start] for x in sentences)
        ]
    for y in patterns.yields:
        if any(t.rule.type in y.to for t in found):
            found = [t for t in found if not y.drops(t.rule)]
    return found
