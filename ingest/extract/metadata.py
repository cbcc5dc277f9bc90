"""What a report says about itself: its date, its reference code and who issued it.

- Date: a dateline (a paragraph that is only a date, "Geneva-Paris, 13 February 2017",
  "Update, January 23, 2017"). Several different datelines mean a page of several items
  (an archive or tag page): it then has no date of its own.
- Reference: the publisher codes in `data/extract/metadata.yaml` ("UA 115/16", "KAZ 001 / 1016 /
  OBS 085.4", "Index: EUR 57/5235/2016").
- Publishers: known publishers named on a line of their own, as the subject of "said",
  "welcomes", "has received ..." (with the members of "a partnership of A and B"), or by the
  domain of a link in the text when nothing else names one.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from ingest.extract.dates import DateMention, is_dateline
from ingest.extract.organisations import Organisation
from ingest.extract.resources import compile_pattern, load_yaml, organisation_rules
from ingest.extract.text import CleanText


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[re.Pattern[str]], re.Pattern[str]]:
    data = load_yaml("metadata.yaml")
    refs = [compile_pattern(p, "metadata.yaml references", flags=0) for p in data["references"]]
    verbs = compile_pattern(data["issuer_verbs"], "metadata.yaml issuer_verbs")
    return refs, verbs


@lru_cache(maxsize=1)
def _url_dates() -> list[re.Pattern[str]]:
    return [compile_pattern(p, "metadata.yaml url_dates", flags=0) for p in load_yaml("metadata.yaml")["url_dates"]]


_HEAD = 600  # a page's own date is told in its first characters


def url_date(url: str | None) -> str | None:
    """The date in a page's address ("/2020/02/20/", "27-01-2022-", "20230511"), if any: the
    first form of `metadata.yaml url_dates` that gives a real day."""
    if not url:
        return None
    for pattern in _url_dates():
        for m in pattern.finditer(url):
            try:
                return dt.date(int(m.group("y")), int(m.group("m")), int(m.group("d"))).isoformat()
            except ValueError:
                continue
    return None


_NEWS_DATELINE = re.compile(r"[A-Z][A-Za-z .'\-]{1,40},\s*$")


def published_date(ct: CleanText, dates: list[DateMention]) -> str | None:
    lines = {d.iso for d in dates if d.iso and len(d.iso) == 10 and d.explicit_year and is_dateline(ct, d.start, d.end)}
    if len(lines) == 1:
        return lines.pop()
    if lines:
        return None  # several items with their own dates: a page of items, no date of its own
    # A news dateline opening a paragraph: "ISTANBUL, July 12, 2021 — A court ...".
    for d in dates:
        if d.iso and len(d.iso) == 10 and d.explicit_year and d.start < 400:
            para = ct.paragraphs[ct.paragraph_of(d.start)]
            lead = ct.text[para[0] : d.start]
            if _NEWS_DATELINE.fullmatch(lead) and re.match(r"\s*(?:\(|[—–-])", ct.text[d.end : d.end + 3]):
                return d.iso
    # "22 November 2017: ...", "Baku/13.11.19/Turan: ...", "date 2020-05-26", a page's timestamp.
    for d in dates:
        if d.iso and len(d.iso) == 10 and d.explicit_year and d.start < _HEAD and d.dateline:
            return d.iso
    return None


def reference_code(ct: CleanText) -> str | None:
    refs, _ = _patterns()
    hits = [m for p in refs for m in p.finditer(ct.text)]
    if not hits:
        return None
    first = min(hits, key=lambda m: m.start())
    return " ".join(first.group("code").split())


def publishers(ct: CleanText, orgs: list[Organisation]) -> list[str]:
    _, verbs = _patterns()
    text = ct.text
    found: list[str] = []
    for org in orgs:
        if not org.publisher:
            continue
        for m in org.mentions:
            line_start = text.rfind("\n", 0, m.start) + 1
            line_end = text.find("\n", m.end)
            line = text[line_start : line_end if line_end >= 0 else len(text)].strip()
            standalone = line == m.text or line == org.name
            issuer = verbs.match(text[m.end : m.end + 300])
            if standalone or issuer:
                found.append(org.name)
                partner = re.match(
                    r"(?:\s*\([A-Z]+\))?,\s+a\s+partnership\s+(?:of|between)\s+([^.]{3,200}?),\s+has\b", text[m.end :]
                )
                if partner:
                    for other in orgs:
                        if other is not org and any(n in partner.group(1) for n in other.names()):
                            found.append(other.name)
                break
    if not found:
        for entry in organisation_rules().get("known", []):
            for domain in entry.get("domains", []):
                if re.search(rf"(?:https?://|www\.|@)(?:[\w\-]+\.)*{re.escape(domain)}\b", text):
                    found.append(entry["name"])
    return list(dict.fromkeys(found))
