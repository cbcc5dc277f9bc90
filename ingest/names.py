"""Name normalisation: the transliteration key that gives one IRI per real entity.

Different romanisations of one name ("Aliyev", "Aliev") must give one key, so the rules
that fold them live in `data/transliteration.tsv` and apply to any name, not to the seeds.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from anyascii import anyascii

DATA = Path(__file__).parent / "data"
HONORIFICS = frozenset({"mr", "mrs", "ms", "messrs", "dr", "mme", "m", "prof", "sir"})
_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=1)
def _rules() -> list[tuple[re.Pattern[str], str]]:
    rules = []
    for line in (DATA / "transliteration.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        rules.append((re.compile(parts[0]), parts[1] if len(parts) > 1 else ""))
    return rules


def fold(text: str) -> str:
    """Unicode NFKD, ASCII transliteration, lower case, punctuation dropped."""
    text = unicodedata.normalize("NFKD", text)
    text = anyascii(text).lower()
    return " ".join(_WORD.findall(text))


def words(text: str) -> list[str]:
    """Folded words without honorifics."""
    return [w for w in fold(text).split() if w not in HONORIFICS]


def word_key(word: str) -> str:
    for pattern, replacement in _rules():
        word = pattern.sub(replacement, word)
    return word


def name_key(text: str) -> str:
    """The transliteration-tolerant key of a name: 'Rasul Aliev' and 'Rassul Aliyev' give
    'rasul-aliev'. Differences the rules cannot fold (short forms, nicknames) are settled by
    the reviewed decisions in data/resolver.tsv, never by silent fuzzy merging."""
    return "-".join(word_key(w) for w in words(text)) or "unnamed"


def fullest_spelling(names: Iterable[str]) -> str:
    """The fullest of several spellings of one name: the longest, ties broken by code-point
    order so the choice is stable. It titles an entity and gives its readable IRI
    (ingest.fusion.published), so the heading and the address always agree."""
    return min(names, key=lambda n: (-len(n), n), default="")


def slug(text: str, limit: int = 80) -> str:
    """A readable IRI segment from any text (not transliteration-folded)."""
    s = "-".join(fold(text).split())
    return s[:limit].strip("-") or "x"
