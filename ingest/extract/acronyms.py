"""Names defined by an acronym in brackets: "the Rapid Action Battalion (RAB)", "Africa in
Democracy and Good governance (ADG)", "Initiative for Strategic Litigation in Africa (Isla)".

A report that defines an acronym tells where the name it stands for begins: the words before
the bracket whose initials spell it. That finds names the capitalised-run rule cannot (a
lower-case word inside, "Tournons la page (TLP)") and gives their full extent ("... in Africa").
The alignment lets a word give more than its first letter ("Community Health Services and
Advocacy (Chesa)": C-He-S-A) and lets connectors ("of", "and", "in", "la") give none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from ingest.extract.resources import word_set

_BRACKET = re.compile(r"\s\((?P<acr>[A-Z][A-Za-z]{1,9})\)")
_WORD = re.compile(r"[^\W\d_][\w’'\-]*")
_MAX_WORDS = 12


@dataclass(frozen=True)
class Defined:
    start: int
    end: int
    name: str
    acronym: str


@lru_cache(maxsize=1)
def _connectors() -> frozenset[str]:
    return word_set("acronym_connectors")


def _align(letters: str, words: list[str]) -> bool:
    """Whether `letters` is spelt by `words` in order: each word that is not a connector gives
    one or more of its leading letters (at least its first), a connector or a lower-case word
    gives its first letter or nothing, and the first word gives the first letter."""
    connectors = _connectors()

    @cache
    def go(i: int, j: int) -> bool:
        if j == len(words):
            return i == len(letters)
        w = words[j].lower().replace("-", "")
        # A connector, or a word written in lower case inside the name ("Good governance"),
        # may give no letter; a capitalised word always gives one.
        skippable = w in connectors or (j > 0 and words[j][:1].islower())
        if skippable and go(i, j + 1):
            return True
        k = 0
        while k < len(w) and i + k < len(letters) and w[k] == letters[i + k]:
            k += 1
            if go(i + k, j + 1):
                return True
        return False

    return go(0, 0)


def defined_names(text: str) -> list[Defined]:
    """Each "<name> (<ACRONYM>)" in `text` whose name's words spell the acronym."""
    out = []
    for m in _BRACKET.finditer(text):
        acronym = m.group("acr")
        capitals = sum(c.isupper() for c in acronym)
        if acronym.endswith("s") and capitals >= 2 and acronym[:-1].isupper():
            continue  # "NGOs", "HRDs": a plural of a common noun, not a name
        # The words before the bracket on the same line and in the same clause.
        line_start = max(text.rfind("\n", 0, m.start()) + 1, m.start() - 200)
        clause = re.split(r"[.;:!?“”\"()]|, ", text[line_start : m.start()])[-1]
        clause_start = m.start() - len(clause)
        words = list(_WORD.finditer(clause))[-_MAX_WORDS:]
        letters = acronym.lower()
        # The shortest run of words ending at the bracket, beginning with a capital, that
        # spells the acronym (mixed-case acronyms such as "Isla" need three words or more).
        for n in range(2, len(words) + 1):
            run = words[-n:]
            if not run[0].group(0)[0].isupper() or (capitals < 2 and n < 3):
                continue
            if _align(letters, [w.group(0) for w in run]):
                start = clause_start + run[0].start()
                out.append(Defined(start, m.start(), text[start : m.start()], acronym))
                break
    return out
