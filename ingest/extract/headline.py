"""A plain-text report's headline: the first paragraph of its opening that reads as a title.

HTML and PDF documents name their title in metadata (ingest.readers); a text file has only
its first lines, where a headline sits among page furniture ("Skip to main content", "Tag
Archives: X", a dateline, a byline). A headline here is one line of a few words that is not
a sentence of running text (no full stop inside or at the end), not a date, and not
furniture (`data/extract/headline.yaml`). No headline found means no title: a document is
then named by its publisher and date alone, never by a guess from its first sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.extract.dates import DateMention
from ingest.extract.resources import compile_pattern, load_yaml
from ingest.extract.text import CleanText

_SENTENCE_INSIDE = re.compile(r"[.;]\s+[A-Z]")
_WORD = re.compile(r"[^\W\d_][\w'’\-]*")


@dataclass(frozen=True)
class HeadlineRules:
    paragraphs: int
    characters: int
    min_words: int
    max_words: int
    max_characters: int
    furniture: tuple[re.Pattern[str], ...]


@lru_cache(maxsize=1)
def rules() -> HeadlineRules:
    data = load_yaml("headline.yaml")
    return HeadlineRules(
        paragraphs=int(data["opening_paragraphs"]),
        characters=int(data["opening_characters"]),
        min_words=int(data["min_words"]),
        max_words=int(data["max_words"]),
        max_characters=int(data["max_characters"]),
        furniture=tuple(compile_pattern(p, "headline.yaml furniture") for p in data["furniture"]),
    )


def is_headline(line: str, dated: bool = False) -> bool:
    """Whether one paragraph reads as a title (`dated`: it is mostly a date)."""
    r = rules()
    words = _WORD.findall(line)
    if "\n" in line or dated or not (r.min_words <= len(words) <= r.max_words) or len(line) > r.max_characters:
        return False
    if not line[0].isupper() and not line[0].isdigit():
        return False  # "viasna on patreon": a link's text, not a title
    if line.rstrip("\"'”’»)] ").endswith((".", ",", ":", ";")) or _SENTENCE_INSIDE.search(line):
        return False  # running text
    if "://" in line or "www." in line:
        return False
    return not any(p.search(line) for p in r.furniture)


def headline(ct: CleanText, dates: list[DateMention]) -> str | None:
    r = rules()
    for start, end in ct.paragraphs[: r.paragraphs]:
        if start >= r.characters:
            break
        line = " ".join(ct.text[start:end].split())
        # A paragraph that is mostly a date is a dateline ("Update, January 23, 2017"); a
        # headline may mention a date in passing.
        dated = any(start <= d.start < end and (d.end - d.start) >= 0.3 * (end - start) for d in dates)
        if line and is_headline(line, dated):
            return line
    return None
