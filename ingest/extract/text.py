"""Clean text for extraction, with a map back to the original offsets.

Real reports arrive with words glued together ("OnJanuary", "ofGeorgia", "May 6,2016"),
lines hard-wrapped in the middle of sentences (PDF and e-mail copies) and paragraph breaks
inside sentences. Extractors read the cleaned text; every span they report is mapped back to
the original text, so evidence quotes are always exact slices of `document.text`.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from ingest.extract.resources import vocabulary
from ingest.model import Evidence

# Small words that are often glued to a capitalised word in copy-pasted PDFs ("ofGeorgia").
_GLUE_WORDS = frozenset(
    [
        "on",
        "of",
        "in",
        "to",
        "at",
        "by",
        "as",
        "an",
        "and",
        "or",
        "the",
        "for",
        "from",
        "with",
        "into",
        "onto",
        "upon",
        "under",
        "about",
        "against",
        "between",
        "before",
        "after",
        "since",
        "until",
        "during",
        "than",
        "that",
        "this",
        "their",
        "his",
        "her",
        "its",
        "our",
        "a",
        "is",
        "was",
        "were",
        "be",
        "been",
    ]
)
_HONORIFIC_DOT = re.compile(r"(?<![A-Z])(Mr|Mrs|Ms|Messrs|Dr|Mme|Prof)\.(?=[A-Z])")
_SENTENCE_END = re.compile(r"[.!?:;\"”’)\]]\s*$")
_BULLET = re.compile(r"^\s*(?:[•·\-–*▪●]|\(?[ivx]{1,4}[.)]|\(?\d{1,2}[.)])\s+")


@dataclass
class Sentence:
    start: int  # offsets in the cleaned text
    end: int
    paragraph: int
    text: str


@dataclass
class CleanText:
    original: str
    text: str
    index: list[int]  # index[i] = offset in `original` of cleaned character i
    paragraphs: list[tuple[int, int]] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    _sentence_starts: list[int] = field(default_factory=list, repr=False)
    _paragraph_starts: list[int] = field(default_factory=list, repr=False)

    def original_span(self, start: int, end: int) -> tuple[int, int]:
        """Offsets in the original text of the cleaned span [start, end)."""
        if not self.index:
            return 0, 0
        start = max(0, min(start, len(self.index) - 1))
        end = max(start + 1, min(end, len(self.index)))
        o_start = self.index[start]
        o_end = self.index[end - 1] + 1
        # Trim whitespace the cleaning may have mapped onto the edges.
        while o_end > o_start and self.original[o_end - 1].isspace():
            o_end -= 1
        while o_start < o_end and self.original[o_start].isspace():
            o_start += 1
        return o_start, o_end

    def evidence(self, start: int, end: int, rule: str, method: str = "rule") -> Evidence:
        o_start, o_end = self.original_span(start, end)
        return Evidence(quote=self.original[o_start:o_end], start=o_start, end=o_end, method=method, rule=rule)

    def sentence_index(self, pos: int) -> int:
        if len(self._sentence_starts) != len(self.sentences):
            self._sentence_starts = [s.start for s in self.sentences]
        return max(0, bisect_right(self._sentence_starts, pos) - 1)

    def sentence_at(self, pos: int) -> Sentence:
        return self.sentences[self.sentence_index(pos)]

    def paragraph_of(self, pos: int) -> int:
        if len(self._paragraph_starts) != len(self.paragraphs):
            self._paragraph_starts = [p[0] for p in self.paragraphs]
        return max(0, bisect_right(self._paragraph_starts, pos) - 1)


class _Builder:
    def __init__(self, original: str) -> None:
        self.chars: list[str] = []
        self.index: list[int] = []
        self.original = original

    def put(self, ch: str, at: int) -> None:
        self.chars.append(ch)
        self.index.append(at)


def _deglue(line: str) -> list[tuple[str, int]]:
    """Characters of one line with spaces inserted where words are glued together; each
    character keeps the offset (within the line) of the original character it came from."""
    line = _HONORIFIC_DOT.sub(lambda m: m.group(0) + "\x00", line)
    out: list[tuple[str, int]] = []
    offset = 0
    for i, ch in enumerate(line):
        if ch == "\x00":
            out.append((" ", offset))
            continue
        prev = line[i - 1] if i else ""
        if (prev in "”»" and prev and ch.isalnum()) or (ch in "“«" and prev.isalnum()):
            out.append((" ", offset))  # 'of“propaganda', '”Public Foundation'
        elif prev and ch.isupper() and prev.islower():
            # "OnJanuary", "ofGeorgia", "NinoBeridze": split when the lower-case run
            # before is a glue word or two letters or more (so "McDonald" stays whole).
            j = i
            while j > 0 and line[j - 1].isalpha() and line[j - 1].islower():
                j -= 1
            run = line[j:i]
            word_start = j - 1 if j > 0 and line[j - 1].isupper() else j
            word = line[word_start:i].lower()
            if len(run) >= 2 or word in _GLUE_WORDS:
                out.append((" ", offset))
        elif prev.isdigit() and ch.isalpha() and line[i : i + 2].lower() not in ("st", "nd", "rd", "th"):
            # "250MCI" but not "17th"; only before a word of two letters or more.
            if i + 1 < len(line) and line[i + 1].isalpha() and not (i >= 2 and line[i - 2].isalpha()):
                out.append((" ", offset))
        elif prev == "," and ch.isdigit() and i >= 2 and line[i - 2].isdigit():
            # "May 6,2016" -> "May 6, 2016" (a day then a year), never "1,500".
            j = i
            while j < len(line) and line[j].isdigit():
                j += 1
            k = i - 2
            while k > 0 and line[k - 1].isdigit():
                k -= 1
            if j - i == 4 and (i - 1) - k <= 2:
                out.append((" ", offset))
        out.append((ch, offset))
        offset += 1
    return out


def clean(original: str) -> CleanText:
    """Normalise `original`: de-glue words, join hard-wrapped lines, mark paragraphs with one
    newline each. Keeps an offset map back to the original."""
    b = _Builder(original)
    lines: list[tuple[int, str]] = []
    pos = 0
    for raw in original.splitlines(keepends=True):
        lines.append((pos, raw.rstrip("\r\n")))
        pos += len(raw)
    wrapped = _hard_wrapped([line for _, line in lines])
    prev_text = ""
    for n, (start, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        lead = len(line) - len(line.lstrip())
        if b.chars:
            # A line continues the previous one when that one was long and did not end a
            # sentence, and this one does not start a list item: hard-wrapped text.
            joins = (
                wrapped
                and len(prev_text) >= 60
                and (len(stripped) >= 40 or stripped[:1].islower())
                and not _SENTENCE_END.search(prev_text)
                and not _BULLET.match(line)
                and not (prev_text.isupper() or stripped.isupper())
            )
            b.put(" " if joins else "\n", start + lead - 1 if start + lead > 0 else 0)
        for ch, off in _deglue(stripped):
            if ch in " \t\u00a0\u2009\u202f":
                if b.chars and b.chars[-1] in " \n":
                    continue
                ch = " "
            b.put(ch, start + lead + off)
        while b.chars and b.chars[-1] == " ":
            b.chars.pop()
            b.index.pop()
        prev_text = stripped
        del n
    text = "".join(b.chars)
    ct = CleanText(original=original, text=text, index=b.index)
    _split(ct)
    return ct


def _hard_wrapped(lines: list[str]) -> bool:
    """True when the text was hard-wrapped (PDF or e-mail copies): many long lines stop
    without ending a sentence. Paragraph-per-line text (web pages) is never re-joined."""
    long_lines = [ln.strip() for ln in lines if len(ln.strip()) >= 60]
    if len(long_lines) < 3:
        return False
    open_ended = sum(1 for ln in long_lines if not _SENTENCE_END.search(ln))
    return open_ended >= 3 and open_ended / len(long_lines) >= 0.3


_ABBREV = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "messrs",
        "dr",
        "prof",
        "st",
        "no",
        "nos",
        "art",
        "arts",
        "para",
        "paras",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "approx",
        "e.g",
        "i.e",
        "etc",
        "vs",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "govt",
        "p",
        "pp",
        "vol",
        "ch",
        "sec",
        "fig",
        "part",
        "pt",
        "para",
    ]
)
_INITIALS = re.compile(r"(?:[a-z]\.)+[a-z]")
_SPLIT = re.compile(r"[.!?]+[\"”’)\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")


def _split(ct: CleanText) -> None:
    text = ct.text
    start = 0
    paragraphs: list[tuple[int, int]] = []
    for m in re.finditer(r"\n", text + "\n"):
        if m.start() > start:
            paragraphs.append((start, m.start()))
        start = m.end()
    ct.paragraphs = paragraphs
    for p_no, (p_start, p_end) in enumerate(paragraphs):
        s_start = p_start
        for m in _SPLIT.finditer(text, p_start, p_end):
            word = re.search(r"(\S+?)[.!?]+[\"”’)\]]*\s*$", text[s_start : m.end()])
            token = word.group(1).lower().lstrip('("“') if word else ""
            # "the U.S. Department of State": dotted initials are one word, no sentence end.
            if token in _ABBREV or (len(token) == 1 and token.isalpha()) or _INITIALS.fullmatch(token):
                continue
            ct.sentences.append(Sentence(s_start, m.start() + 1, p_no, text[s_start : m.start() + 1]))
            s_start = m.end()
        if s_start < p_end:
            ct.sentences.append(Sentence(s_start, p_end, p_no, text[s_start:p_end]))
    if not ct.sentences:
        ct.sentences.append(Sentence(0, len(text), 0, text))


def months() -> dict[str, int]:
    """Month names and abbreviations -> month number."""
    table: dict[str, int] = {}
    for number, (name, short) in enumerate(vocabulary()["months"].items(), start=1):
        table[name] = number
        for s in short or []:
            table[s] = number
    return table
