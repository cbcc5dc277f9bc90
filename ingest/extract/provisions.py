"""Legal provisions cited in a report: "Article 174 Part 2 of the Criminal Code", "Articles 174,
274 and 400", "Art. 488 of the Code of Administrative Offences", "under article 318-1 CC",
"Articles: 309 (abuse of power) and 313 (forgery) of the Criminal Code", "articles of the
Criminal Code: 281.2 (...), 309.2 (...)".

A bare article takes its code from the same article cited earlier with a code, else from the
next code named in its sentence, else from the last code the document named.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.extract.resources import compile_pattern, load_yaml
from ingest.extract.text import CleanText

# "87 bis", "144 ter": Latin suffixes of articles inserted later (French, Italian, Belgian... codes).
_NUM = r"\d+(?:[.\-]\d+)*(?:[A-Z]\b)?(?:\s+(?:bis|ter|quater|quinquies)\b)?"
_PART = r"(?:,?\s*(?:part|paragraph|para|clause|section|item)\.?\s*(?P<part{n}>\d+|[a-z]\b))?"
# What an offence is called, in brackets after its article: "309 (abuse of power)".
_GLOSS = r"(?:\s+\([^()\d\n]{4,80}\))?"  # not "505(a)": a subsection
_ARTICLE = re.compile(
    r"\b(?:articles?|arts?\.|(?P<section>sections?|secs?\.))"
    # "articles of the Criminal Code: 281.2 (...), 309.2 (...)": the code before a listed set
    r"(?P<lead>\s+of\s+(?:the\s+)?[^\d:;.\n]{3,60}?:)?\s*:?\s*"
    rf"(?P<list>{_NUM}{_PART.format(n=0)}{_GLOSS}(?:\s*(?:,|and|&)\s*{_NUM}{_PART.format(n=1)}{_GLOSS})*)",
    re.I,
)
_ITEM = re.compile(
    rf"(?P<art>{_NUM})(?:,?\s*(?:part|paragraph|para|clause|section|item)\.?\s*(?P<part>\d+|[a-z]\b))?", re.I
)


@dataclass
class ProvisionMention:
    start: int
    end: int
    article: str
    part: str | None
    code: str | None

    @property
    def label(self) -> str:
        return f"{self.code} {self.article}" + (f" part {self.part}" if self.part else "")


@lru_cache(maxsize=1)
def _codes() -> list[tuple[str, re.Pattern[str]]]:
    data = load_yaml("legal.yaml")
    return [(c["name"], compile_pattern(c["pattern"], "legal.yaml")) for c in data.get("codes", [])]


def _code_at(text: str, start: int, end: int) -> tuple[str, int] | None:
    """A code named right after a citation: "of the Criminal Code", "of the Turkish Penal Code",
    "of Georgia's Criminal Code"."""
    window = text[end : end + 90]
    m = re.match(r"\s*(?:\)\s*)?(?:of|under)\s*(?:the\s*)?", window)
    if not m:
        return None
    offset = m.end()
    for _ in range(4):  # up to three qualifying words ("Turkish", "Republic's") before the code
        rest = window[offset:]
        for name, pattern in _codes():
            cm = pattern.match(rest)
            if cm:
                return name, end + offset + cm.end()
        word = re.match(r"[A-Z][\w’'\-]*\s+", rest)
        if not word:
            break
        offset += word.end()
    named = _statute().match(window, m.end())
    if named:
        # "Republic Act No. 10591" is written "Republic Act 10591".
        name = re.sub(r"\bNo\.?\s*(?=\d)", "", " ".join(named.group(0).split()))
        return name, end + named.end()
    return None


@lru_cache(maxsize=1)
def _statute() -> re.Pattern[str]:
    heads = "|".join(re.escape(str(h)) for h in load_yaml("legal.yaml").get("statute_heads", []))
    word = r"(?:[A-Z][\w’'\-]*|\((?:[A-Z][\w\-]*\s*)+\))"
    return re.compile(
        rf"(?:{word}\s+(?:(?:of|on|for|and|the)\s+)?){{1,5}}(?:{heads})\b(?:\s+No\.?\s*\d+(?:[-/]\d+)*)?"
        rf"|(?:{heads})\s+of\s+(?:the\s+)?{word}(?:\s+{word}){{0,3}}"
    )


def find_provisions(ct: CleanText) -> list[ProvisionMention]:
    text = ct.text
    mentions: list[ProvisionMention] = []
    for m in _ARTICLE.finditer(text):
        items = list(_ITEM.finditer(m.group("list")))
        lead = _code_at(text, m.start(), m.start("lead")) if m.group("lead") else None
        code_hit = (lead[0], m.end()) if lead else _code_at(text, m.start(), m.end())
        if m.group("section") and code_hit is None:
            continue  # "section 3" of anything but a named law (a report's own sections)
        base = m.start("list")
        for it in items:
            mentions.append(
                ProvisionMention(
                    start=base + it.start(),
                    end=code_hit[1] if code_hit else base + it.end(),
                    article=it.group("art"),
                    part=it.group("part"),
                    code=code_hit[0] if code_hit else None,
                )
            )
        if items:
            mentions[-len(items)].start = m.start()
    _fill_codes(ct, mentions)
    return mentions


def _fill_codes(ct: CleanText, mentions: list[ProvisionMention]) -> None:
    by_article: dict[str, str] = {}
    last_code: str | None = load_yaml("legal.yaml").get("default_code")
    code_mentions = sorted(
        (m.start(), name) for name, pattern in _codes() for m in pattern.finditer(ct.text) if name != "Constitution"
    )
    for i, pm in enumerate(mentions):
        # Codes named in the running text ("charged under the Criminal Code") count as context too.
        for pos, name in code_mentions:
            if pos < pm.start:
                last_code = name
        if pm.code:
            by_article[pm.article] = pm.code
            last_code = pm.code
            continue
        if pm.article in by_article:
            pm.code = by_article[pm.article]
            continue
        sentence = ct.sentence_at(pm.start)
        later = next((m.code for m in mentions[i + 1 :] if m.code and m.start < sentence.end), None)
        pm.code = later or last_code
