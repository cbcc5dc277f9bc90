"""Step: one act told for several people with a penalty each.

"sentenced X and Y to 3 and 2.5 years of imprisonment, respectively" is two sentences, one per
person, each with the whole penalty ("3 years of imprisonment", "2.5 years of imprisonment"):
the terms listed in order go to the people named in order. Without "respectively", or when the
count of terms and of people differ, the act stays one event.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.model import EventRecord

_RESPECTIVELY = re.compile(r"\brespectively\b", re.I)
_NUMBER = (
    r"(?:\d[\d.,]*|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|"
    r"thirty|forty|fifty|a\s+hundred|half)(?:[\s\-]+and[\s\-]+a[\s\-]+half)?"
)
_BARE = re.compile(rf"(?:US\$|\$|€|£)?\s*{_NUMBER}", re.I)
_LEADING_NUMBER = re.compile(rf"(?:US\$|\$|€|£)?\s*{_NUMBER}(?=[\s\-])", re.I)
_SEPARATOR = re.compile(r"\s*,\s*(?:and\s+)?|\s+and\s+", re.I)


def split_terms(penalty: str) -> list[str]:
    """The terms of a listed penalty, each whole: "3 and 2.5 years of X" -> ["3 years of X",
    "2.5 years of X"]; "six years and eight years" -> ["six years", "eight years"]."""
    items = [i.strip() for i in _SEPARATOR.split(penalty) if i.strip()]
    if len(items) < 2:
        return [penalty]
    last = items[-1]
    lead = _LEADING_NUMBER.match(last)
    tail = last[lead.end() :].strip() if lead else ""
    out = []
    for item in items:
        if _BARE.fullmatch(item):
            if not tail:
                return [penalty]
            item = f"{item} {tail}"
        out.append(item)
    return out


def respectively(record: EventRecord, clause: str) -> list[EventRecord]:
    """The record split into one per person when the clause after its trigger lists a term for
    each of its people "respectively"; else the record alone."""
    if not record.penalty or len(record.people) < 2 or not _RESPECTIVELY.search(clause):
        return [record]
    terms = split_terms(record.penalty)
    if len(terms) != len(record.people):
        return [record]
    return [replace(record, people=[person], penalty=term) for person, term in zip(record.people, terms, strict=True)]
