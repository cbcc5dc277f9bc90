"""Date mentions in a report, resolved to ISO dates that keep their precision.

A date without a year takes it from the nearest explicit year earlier in its paragraph, else
from the section's dateline, the document's own date, or the latest full date in the document
(the "appeals before ..." date of an urgent action); a past date never lands after that anchor.
With no dateline and no document date, a date told after a full date continues the narrative
from it (the next year when its month and day come earlier).
Failing all of those, the nearest year stated alone ("held for much of 2023") gives it.
"The next day" / "the same day" resolve against the previous date; "three months later" /
"two years later" count on from the last date told, at the unit's precision, and "a few hours
later" is that date itself; "early 2020" is the year; a weekday may come without "on" after a
verb ("ruled Friday"). No day is ever invented.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ingest import number_words
from ingest.extract.spans import Spans
from ingest.extract.text import CleanText, months

_MONTHS = months()
_M = "(?:" + "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True)) + r")\.?"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # A machine timestamp ("2006-12-09T10:00:00+0200"): a page's own date, never an act's.
    (
        "timestamp",
        re.compile(
            r"\b(?P<y>(?:19|20)\d{2})-(?P<mn>\d{2})-(?P<d>\d{2})T\d{2}:\d{2}(?::\d{2})?(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?"
        ),
    ),
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d{2})-(?P<mn>\d{2})-(?P<d>\d{2})\b")),
    # A two-digit year only in a news agency's dateline: "Baku/13.11.19/Turan:".
    (
        "dmy-short",
        re.compile(r"(?:(?<=/)|(?<=^)|(?<=\n))\s*(?P<d>\d{1,2})\.(?P<mn>\d{1,2})\.(?P<yy>\d{2})(?=\s*/|\s*[:–—])"),
    ),
    ("dmy-num", re.compile(r"\b(?P<d>\d{1,2})[./](?P<mn>\d{1,2})[./](?P<y>(?:19|20)\d{2})\b")),
    (
        "dmy",
        re.compile(
            # a date never spans two lines ("Ref: UA-2024-07\nMay 20, 2024")
            rf"\b(?P<d>\d{{1,2}})(?:st|nd|rd|th)?[^\S\n]+(?:of[^\S\n]+)?(?P<m>{_M})(?![a-z])(?:,?\s*(?P<y>(?:19|20)\d{{2}})\b)?",
            re.I,
        ),
    ),
    (
        "mdy",
        re.compile(
            rf"\b(?P<m>{_M})(?![a-z])[^\S\n]+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?!\s*(?:km|kg|%|years|days|people))"
            rf"(?:\s*,\s*(?P<y>(?:19|20)\d{{2}})\b|\s+(?P<y2>(?:19|20)\d{{2}})\b)?",
            re.I,
        ),
    ),
    (
        "part-month",
        re.compile(
            rf"\b(?:mid|early|late|end\s+of|beginning\s+of|middle\s+of)[-\s]+(?P<m>{_M})(?![a-z])(?:\s+(?P<y>(?:19|20)\d{{2}}))?",
            re.I,
        ),
    ),
    # "In early 2020", "by the end of 2019": the year alone.
    (
        "part-year",
        re.compile(
            r"\b(?:early|late|mid|end\s+of|beginning\s+of|middle\s+of|start\s+of)[-\s]+(?P<y>(?:19|20)\d{2})\b(?![-/])",
            re.I,
        ),
    ),
    ("my", re.compile(rf"\b(?P<m>{_M})(?![a-z])\s*,?\s+(?P<y>(?:19|20)\d{{2}})\b", re.I)),
    ("month", re.compile(rf"\b(?:[Ii]n|[Dd]uring|[Ss]ince|[Bb]y|[Uu]ntil)\s+(?P<m>{_M})(?![a-z])(?!\s+\d)", re.I)),
    ("year", re.compile(r"\b(?:[Ii]n|[Ss]ince|[Dd]uring|of)\s+(?P<y>(?:19|20)\d{2})\b(?![-/])")),
    ("weekday", re.compile(r"\b[Oo]n\s+(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")),
    # News style without "on": "a court ruled Friday to uphold ...", "said Monday".
    (
        "weekday",
        re.compile(
            r"(?<=[a-z]\s)(?<!Good\s)(?P<wd>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
            r"(?!\s+(?:prayers?|sermon|edition|night\s+prayers))"
        ),
    ),
    # "last August": the last such month before the document's date.
    ("last-month", re.compile(rf"\b[Ll]ast\s+(?P<m>{_M})(?![a-z])(?!\s+\d)", re.I)),
    # "today's ruling", "said today", "Today in the night": the document's own date.
    ("today", re.compile(r"\b[Tt]oday(?:['’]s)?\b|\b[Tt]onight\b")),
    # "yesterday's hearing": the day before the report's own date.
    ("yesterday", re.compile(r"\b[Yy]esterday(?:['’]s)?\b")),
    # "earlier this month", "last month": the report's month, or the one before it.
    ("rel-month", re.compile(r"\b(?P<rel>[Tt]his|[Ll]ast)\s+month\b")),
    # "last year", "this year" on their own (after a month they only give its year); a season
    # of this or last year gives only the year ("during his detention this summer").
    ("rel-year", re.compile(r"\b(?P<rel>[Tt]his|[Ll]ast)\s+(?:year|summer|spring|autumn|fall)\b")),
    # "arrested six months ago": counted back from the report's own date, at the unit's precision.
    (
        "ago",
        re.compile(
            r"\b(?P<n>\d{1,2}|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
            r"(?P<unit>days?|weeks?|months?|years?)\s+ago\b",
            re.I,
        ),
    ),
    ("next-day", re.compile(r"\b(?:the\s+)?(?:next|following)\s+day\b|\ba\s+day\s+later\b", re.I)),
    (
        "days-later",
        re.compile(
            r"\b(?P<n>\d{1,2}|two|three|four|five|six|seven|eight|nine|ten|a)\s+(?P<unit>days?|weeks?)\s+later\b", re.I
        ),
    ),
    # "Three months later he was sentenced": counted on from the date told before, at the
    # precision of the unit (a month or a year; no day is invented).
    ("hours-later", re.compile(r"\b(?:a\s+few|several|\d{1,2}|two|three|four|five|six|an?)\s+hours?\s+later\b", re.I)),
    (
        "months-later",
        re.compile(
            r"\b(?P<n>\d{1,2}|a|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\s+"
            r"(?P<unit>months?|years?)\s+later\b",
            re.I,
        ),
    ),
    (
        "same-day",
        re.compile(
            r"\b(?:on\s*)?(?:the\s*)?same\s+(?:day|evening|morning|afternoon|night)\b"
            r"|\bthat\s+(?:same\s+)?(?:day|evening|night)\b|\blater\s+(?:that|in\s+the|the\s+same)\s+day\b",
            re.I,
        ),
    ),
]
# A date after these words names something other than the act told next to it: "a letter
# dated ...", "as of ...", "the May 21 protests", "planned for 21 May", "the rally of May 21".
ATTRIBUTIVE_PREFIX = re.compile(r"(?:dated|as\s+of|since|until|till|before|after|from|of|for|(?<!on\s)the)\s*$", re.I)
# "On 2 September 2020 the court ...": a date told as a step of the narrative (not a header's
# date, nor the deadline of an urgent action).
_NARRATIVE = re.compile(r"\b[Oo]n\s*$")
_RELATIVE_YEAR = re.compile(r"\s+(last|this)\s+year\b", re.I)
_FUTURE = re.compile(r"\b(?:will|would|shall|to\s+be|is\s+due|are\s+due|scheduled\s+(?:for|to))\b", re.I)


@dataclass
class DateMention:
    start: int
    end: int
    kind: str
    iso: str | None  # resolved; None when no year can be found
    explicit_year: bool
    text: str
    # The date of a news item's dateline opening the sentence ("(Lisbon, April 5, 2023) – ..."):
    # when the story was filed, never the date of an act the sentence tells with its own date.
    dateline: bool = False


_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_NUMBERS = number_words.counts()


def _offset_days(kind: str, m: re.Match[str]) -> int:
    if kind == "same-day":
        return 0
    if kind == "next-day":
        return 1
    n = m.group("n").lower()
    count = int(n) if n.isdigit() else _NUMBERS.get(n, 1)
    return count * (7 if m.group("unit").lower().startswith("week") else 1)


def _months_later(told: tuple[dt.date, int], m: re.Match[str]) -> str | None:
    """ "three months later", "two years later": counted on from the date told before, as
    precise as the unit allows and never more precise than that date."""
    base, precision = told
    n = m.group("n").lower()
    count = int(n) if n.isdigit() else _NUMBERS.get(n, 1)
    if m.group("unit").lower().startswith("year"):
        return f"{base.year + count:04d}"
    if precision < 2:
        return None  # "in 2010 ... three months later": no month to count from
    months = base.year * 12 + base.month - 1 + count
    return f"{months // 12:04d}-{months % 12 + 1:02d}"


def _ago(today: dt.date, m: re.Match[str]) -> str:
    """ "six months ago" -> that month; "two years ago" -> that year; "three days ago" -> that day."""
    n = m.group("n").lower()
    count = int(n) if n.isdigit() else _NUMBERS.get(n, 1)
    unit = m.group("unit").lower()
    if unit.startswith("year"):
        return f"{today.year - count:04d}"
    if unit.startswith("month"):
        months = today.year * 12 + today.month - 1 - count
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    return (today - dt.timedelta(days=count * (7 if unit.startswith("week") else 1))).isoformat()


def _valid(y: int, m: int, d: int | None) -> bool:
    try:
        dt.date(y, m, d or 1)
    except ValueError:
        return False
    return True


def _raw_mentions(ct: CleanText) -> list[tuple[int, int, str, re.Match[str]]]:
    found: list[tuple[int, int, str, re.Match[str]]] = []
    taken = Spans()
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(ct.text):
            if taken.overlaps(m.start(), m.end()):
                continue
            if "m" in m.groupdict() and m.group("m") and not m.group("m")[0].isupper():
                continue  # "may" the verb, not May the month
            found.append((m.start(), m.end(), kind, m))
            taken.add(m.start(), m.end())
    found.sort(key=lambda x: x[0])
    # "February 23 this year": the relative year belongs to the date before it, not a mention of its own.
    return [
        x
        for i, x in enumerate(found)
        if x[2] != "rel-year" or i == 0 or ct.text[found[i - 1][1] : x[0]].strip(" ,") != ""
    ]


def _parts(kind: str, m: re.Match[str]) -> tuple[int | None, int | None, int | None]:
    g = m.groupdict()
    y = g.get("y") or g.get("y2")
    year = int(y) if y else None
    if g.get("yy"):
        year = 2000 + int(g["yy"]) if int(g["yy"]) < 70 else 1900 + int(g["yy"])
    if kind in ("iso", "dmy-num", "timestamp", "dmy-short"):
        return year, int(g["mn"]), int(g["d"])
    month = _MONTHS.get(g["m"].rstrip(".").lower()) if g.get("m") else None
    day = int(g["d"]) if g.get("d") else None
    return year, month, day


# "(Lisbon, April 5, 2023) –", "KAMPALA, Feb. 9 (Wire) —", "Lisbon, 5 April 2023 -": a place
# and the date opening a paragraph, closed by a dash or a bracket; "22 November 2017: ..." with
# no place; "Baku/13.11.19/Turan: ...", the agency's form.
_INLINE_DATELINE_BEFORE = re.compile(r"^\W{0,3}\(?(?:(?:[A-Z][\w'’.\-]*\s*){1,4},\s*)?$")
_INLINE_DATELINE_AFTER = re.compile(r"^\s*(?:\([^()]{1,30}\)\s*)?\)?\s*(?:[–—]|-{1,2}\s|:)")
_SLASH_DATELINE_BEFORE = re.compile(r"^\W{0,3}(?:[A-Z][\w'’.\-]*\s*){1,3}/\s*$")
_SLASH_DATELINE_AFTER = re.compile(r"^\s*/\s*[\w .\-]{1,30}?\s*(?:[:–—]|-\s)")
# "date 2020-05-26", "Publication date: 06/05/2021", "Published on 3 May 2021" opening a line.
_DATE_LABEL = re.compile(
    r"^\W{0,3}(?:publication\s+date|date\s+of\s+publication|date\s+published|published(?:\s+on)?|posted(?:\s+on)?"
    r"|date)\s*:?\s*$",
    re.I,
)


def is_inline_dateline(ct: CleanText, start: int, end: int) -> bool:
    """A dateline opening a paragraph's first sentence, before the story it files, or a date
    labelled as the page's own at the start of a line."""
    p_start = ct.paragraphs[ct.paragraph_of(start)][0]
    line_start = max(p_start, ct.text.rfind("\n", 0, start) + 1)
    before, after = ct.text[p_start:start], ct.text[end : end + 40]
    opening = start - p_start <= 45 and bool(
        (_INLINE_DATELINE_BEFORE.match(before) and _INLINE_DATELINE_AFTER.match(after))
        or (_SLASH_DATELINE_BEFORE.match(before) and _SLASH_DATELINE_AFTER.match(after))
    )
    return opening or bool(start - line_start <= 25 and _DATE_LABEL.match(ct.text[line_start:start]))


def is_dateline(ct: CleanText, start: int, end: int) -> bool:
    """A paragraph that is (almost) only a date: a report's or an item's own date."""
    p = ct.paragraphs[ct.paragraph_of(start)]
    length = p[1] - p[0]
    return length <= 45 and (end - start) >= 0.4 * length


def find_dates(ct: CleanText, published: str | None = None, url_date: str | None = None) -> list[DateMention]:
    """Every date mention of `ct`, resolved. `published` is the document's own date as its text
    gives it; `url_date` the date in its source address, a weaker anchor that only gives a year
    to a year-less date (never a day to "on Monday" or "today")."""
    raw = [r for r in _raw_mentions(ct) if not _epoch(r[2], r[3])]
    explicit: list[tuple[int, dt.date, bool]] = []  # (pos, date, is dateline)
    for start, end, kind, m in raw:
        y, mo, d = _parts(kind, m)
        if y and mo and _valid(y, mo, d):
            line = kind == "timestamp" or is_dateline(ct, start, end) or is_inline_dateline(ct, start, end)
            explicit.append((start, dt.date(y, mo, d or 1), bool(d) and line))
    latest = max((d for _, d, _ in explicit), default=None)
    # Years stated on their own ("in 2023", "of 2023"): the last resort of a year-less date in
    # a report that gives no full date and no date of its own.
    years = [(start, int(m.group("y"))) for start, _, kind, m in raw if kind == "year"]
    doc_anchor = None
    if published and len(published) == 10:
        doc_anchor = dt.date.fromisoformat(published)
    weak_anchor = dt.date.fromisoformat(url_date) if url_date and len(url_date) == 10 else None
    year_anchor = doc_anchor or weak_anchor
    mentions: list[DateMention] = []
    last: dt.date | None = None
    last_precision = 0
    narrative: tuple[dt.date, int] | None = None  # the last date told, with its precision (1-3)
    for start, end, kind, m in raw:
        text = ct.text[start:end]
        lines = [d for p, d, line in explicit if line and p < start]
        if kind == "hours-later":
            # "Just a few hours later, charges were brought again": the day (or month, or
            # year) just told.
            if narrative is not None:
                same = narrative[0].isoformat()[: {1: 4, 2: 7, 3: 10}[narrative[1]]]
                mentions.append(DateMention(start, end, kind, same, False, text))
            continue
        if kind == "months-later":
            later = _months_later(narrative, m) if narrative is not None else None
            if later is not None:
                mentions.append(DateMention(start, end, kind, later, False, text))
            continue
        if kind in ("next-day", "same-day", "days-later"):
            if last is not None and last_precision == 3:
                value = last + dt.timedelta(days=_offset_days(kind, m))
                mentions.append(DateMention(start, end, kind, value.isoformat(), False, text))
                last = value  # "the next day ... two days later" counts on from the day just told
            continue
        if kind == "weekday":
            # News style: "a court on Monday released ..." is the last such day up to the
            # item's dateline or the document's own date; failing both, up to the last full
            # date told before it.
            told = [d for p, d, line in explicit if not line and p < start]
            anchor = lines[-1] if lines else doc_anchor or (told[-1] if told else None)
            if anchor is not None:
                back = (anchor.weekday() - _WEEKDAYS.index(m.group("wd").lower())) % 7
                value = anchor - dt.timedelta(days=back)
                mentions.append(DateMention(start, end, kind, value.isoformat(), False, text))
            continue
        if kind == "today":
            # Only a date the text gives: "today" in a page dated by its address alone is unknown.
            today = lines[-1] if lines else doc_anchor
            if today is not None:
                mentions.append(DateMention(start, end, kind, today.isoformat(), False, text))
            continue
        if kind in ("yesterday", "rel-month"):
            today = lines[-1] if lines else doc_anchor  # a date the text gives, as for "today"
            # "Earlier this month, on 8 April": the date told in full right after is the one.
            told_next = any(end <= r[0] <= end + 12 for r in raw)
            if today is not None and not told_next:
                if kind == "yesterday":
                    value_iso = (today - dt.timedelta(days=1)).isoformat()
                else:
                    months = today.year * 12 + today.month - 1 - (1 if m.group("rel").lower() == "last" else 0)
                    value_iso = f"{months // 12:04d}-{months % 12 + 1:02d}"
                mentions.append(DateMention(start, end, kind, value_iso, False, text))
            continue
        if kind == "ago":
            # Only a date the text gives, like "today": an address's date is too weak to count from.
            today = lines[-1] if lines else doc_anchor
            if today is not None:
                mentions.append(DateMention(start, end, kind, _ago(today, m), False, text))
            continue
        if kind in ("rel-year", "last-month"):
            anchor = lines[-1] if lines else year_anchor
            if anchor is None:
                continue
            if kind == "rel-year":
                value_iso = str(anchor.year - (1 if m.group("rel").lower() == "last" else 0))
            else:
                month = _MONTHS[m.group("m").rstrip(".").lower()]
                value_iso = f"{anchor.year - (1 if month >= anchor.month else 0):04d}-{month:02d}"
            mentions.append(DateMention(start, end, kind, value_iso, False, text))
            continue
        y, mo, d = _parts(kind, m)
        explicit_year = y is not None
        relative = _RELATIVE_YEAR.match(ct.text, end)
        if y is None and mo is not None and relative and (lines or year_anchor or latest):
            # "Sept 20 last year": counted from the report's own date.
            base = lines[-1] if lines else year_anchor or latest
            y = base.year - (1 if relative.group(1).lower() == "last" else 0)  # type: ignore[union-attr]
            if mo and _valid(y, mo, d):
                # The narrative told after it goes on in that year ("Sept 20 last year ... on Sept 23").
                explicit.append((start, dt.date(y, mo, d or 1), False))
                explicit.sort(key=lambda x: x[0])
        if y is None and mo is not None:
            y = _infer_year(ct, start, mo, d or 1, explicit, year_anchor, latest, tuple(years))
            if y is None and years:
                y = _nearest_year(start, years)
        iso: str | None = None
        if y is not None and mo is not None and _valid(y, mo, d):
            if d and kind != "part-month":
                iso = f"{y:04d}-{mo:02d}-{d:02d}"
                if not ATTRIBUTIVE_PREFIX.search(ct.text[max(0, start - 14) : start]):
                    last, last_precision = dt.date(y, mo, d), 3
            else:
                iso = f"{y:04d}-{mo:02d}"
        elif y is not None and mo is None:
            iso = f"{y:04d}"
        inline = bool(iso) and (kind == "timestamp" or is_inline_dateline(ct, start, end))
        if y is not None and iso and not inline and not is_dateline(ct, start, end):
            narrative = (dt.date(y, mo or 1, d or 1), 3 if d and kind != "part-month" else 2 if mo else 1)
        mentions.append(DateMention(start, end, kind, iso, explicit_year, text, dateline=inline))
    return mentions


def _epoch(kind: str, m: re.Match[str]) -> bool:
    """A timestamp of 1 January 1970: a page's empty date field, not a date."""
    return kind == "timestamp" and m.group(0).startswith("1970-01-01")


def _nearest_year(pos: int, years: list[tuple[int, int]]) -> int:
    """The year stated nearest before `pos`, else the first one stated after it."""
    before = [y for p, y in years if p < pos]
    return before[-1] if before else years[0][1]


def _infer_year(
    ct: CleanText,
    pos: int,
    month: int,
    day: int,
    explicit: list[tuple[int, dt.date, bool]],
    doc_anchor: dt.date | None,
    latest: dt.date | None,
    years: tuple[tuple[int, int], ...] = (),
) -> int | None:
    paragraph = ct.paragraph_of(pos)
    before = [(p, d) for p, d, line in explicit if p < pos and not line and ct.paragraph_of(p) == paragraph]
    if before:
        context = before[-1][1]
        # A narrative that crosses New Year: "On 9 December 2016 ... On 20 January".
        if context.month >= 10 and month <= 3:
            return context.year + 1
        return context.year
    datelines = [d for p, d, line in explicit if line and p < pos]
    anchor = datelines[-1] if datelines else doc_anchor
    sentence = ct.sentence_at(pos)
    near = ct.text[max(sentence.start, pos - 40) : min(sentence.end, pos + 50)]
    future = bool(_FUTURE.search(near))
    if anchor is not None and not future:
        # A flashback: "In 2019 he had faced a similar case. He was detained on 3 May": the
        # latest year stated before the date, when it is earlier than the report's own.
        # A full date told before rolls over New Year as a narrative does; a year alone counts
        # only when it opens its sentence ("In 2019, ..."), not in passing ("detained in 2021").
        stated = [
            (p, d.year + (1 if (month, day) < (d.month, d.day) else 0))
            for p, d, line in explicit
            if p < pos and not line
        ]
        stated += [(p, y) for p, y in years if p < pos and ct.sentence_at(p).start == p]
        if stated:
            flashback = max(stated)[1]
            if flashback < anchor.year:
                return flashback
    if anchor is None:
        # No date of the report's own: a narrative told in order ("On 2 September 2020 ...
        # On 16 September ... On 25 February") continues from the full date told before it.
        told = [d for p, d, line in explicit if p < pos and not line and _NARRATIVE.search(ct.text[max(0, p - 12) : p])]
        if told:
            context = told[-1]
            return context.year + 1 if (month, day) < (context.month, context.day) else context.year
        anchor = latest
    if anchor is None:
        return None
    year = anchor.year
    if (month, day) > (anchor.month, anchor.day) and not future:
        year -= 1
    return year
