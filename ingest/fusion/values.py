"""Values that documents state, how two of them compare, and how a disputed one is chosen.

Comparison gives one of four answers: the same value, one the vaguer form of the other
(2016-05 of 2016-05-17; "court in X" of "X City Court No. 2"), or different. Only different
values are a disagreement; a vaguer value supports every value it holds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import Enum

from rapidfuzz import fuzz

from ingest import number_words
from ingest.dates import normalise_iso_date
from ingest.fusion.rules import Rules
from ingest.names import fold, word_key

_HYPHENS = re.compile(r"[-\u2010-\u2015]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_NUMBER_WORDS = {word: str(n) for word, n in number_words.cardinals().items()}


@dataclass(frozen=True, order=True)
class Value:
    """One stated value. `key` is its identity (an IRI, a lexical form, or for a set of
    provisions the sorted IRIs); `label` what a reader sees and what labels are compared on;
    `parts` the members of a set value as (iri, label, "code article") triples."""

    key: str
    label: str
    is_iri: bool = False
    datatype: str | None = None
    parts: tuple[tuple[str, str, str], ...] = ()


class Relation(Enum):
    SAME = "same"
    A_VAGUER = "a-vaguer"  # a holds b: b is the more precise form
    B_VAGUER = "b-vaguer"
    DIFFERENT = "different"


# --- dates ----------------------------------------------------------------------------------
def date_interval(iso: str) -> tuple[dt.date, dt.date]:
    """The first and last day an ISO date of any precision may mean."""
    if normalise_iso_date(iso) is None:
        raise ValueError(f"not an ISO date: {iso!r}")
    parts = [int(p) for p in iso.split("-")]
    if len(parts) == 3:
        day = dt.date(*parts)
        return day, day
    if len(parts) == 2:
        first = dt.date(parts[0], parts[1], 1)
        nxt = dt.date(parts[0] + (parts[1] == 12), parts[1] % 12 + 1, 1)
        return first, nxt - dt.timedelta(days=1)
    return dt.date(parts[0], 1, 1), dt.date(parts[0], 12, 31)


def date_precision(iso: str | None) -> str:
    return {None: "none", 10: "day", 7: "month", 4: "year"}[len(iso) if iso else None]


def date_gap(a: str, b: str) -> int:
    """Days between the periods two dates name (0 when they overlap)."""
    a0, a1 = date_interval(a)
    b0, b1 = date_interval(b)
    return max(0, (b0 - a1).days, (a0 - b1).days)


def _compare_dates(a: str, b: str) -> Relation:
    if a == b:
        return Relation.SAME
    a0, a1 = date_interval(a)
    b0, b1 = date_interval(b)
    if a0 <= b0 and b1 <= a1:
        return Relation.A_VAGUER
    if b0 <= a0 and a1 <= b1:
        return Relation.B_VAGUER
    return Relation.DIFFERENT


# --- labels and text ------------------------------------------------------------------------
def label_words(text: str, stop_words: frozenset[str]) -> tuple[str, ...]:
    """Words of a name for comparison: hyphens joined ("pre-trial" = "pretrial"), folded,
    transliteration-keyed (two romanisations of one name meet), stop words dropped."""
    return tuple(word_key(w) for w in fold(_HYPHENS.sub("", text)).split() if w not in stop_words)


def numbers(text: str) -> frozenset[str]:
    """The numbers a text states, digits or words ("five-year" and "5 years" both give 5)."""
    found = {n.replace(",", "") for n in _NUMBER.findall(text)}
    found.update(_NUMBER_WORDS[w] for w in fold(text).split() if w in _NUMBER_WORDS)
    return frozenset(found)


def _by_words(a: str, b: str, rules: Rules, threshold: float) -> Relation:
    wa, wb = label_words(a, rules.stop_words), label_words(b, rules.stop_words)
    sa, sb = set(wa), set(wb)
    if sa == sb:
        return Relation.SAME
    if sa and sa < sb:
        return Relation.A_VAGUER
    if sb and sb < sa:
        return Relation.B_VAGUER
    if fuzz.token_sort_ratio(" ".join(wa), " ".join(wb)) >= threshold:
        return Relation.SAME
    return Relation.DIFFERENT


def _compare_provisions(a: Value, b: Value) -> Relation:
    # Agreement is on "code article"; a part ("part 2") refines, it never contradicts.
    sa = {p[2] for p in a.parts}
    sb = {p[2] for p in b.parts}
    if sa == sb:
        return Relation.SAME
    if sa < sb:
        return Relation.A_VAGUER
    if sb < sa:
        return Relation.B_VAGUER
    return Relation.DIFFERENT


def compare(kind: str, a: Value, b: Value, rules: Rules) -> Relation:
    if a.key == b.key:
        return Relation.SAME
    if kind == "date":
        return _compare_dates(a.key, b.key)
    if kind == "concept":
        return Relation.DIFFERENT
    if kind == "provisions":
        return _compare_provisions(a, b)
    if kind == "entity":
        return _by_words(a.label, b.label, rules, rules.label_similarity)
    if kind == "penalty-part":
        from ingest.fusion.penalties import compare_parts

        return compare_parts(a, b, rules)
    if kind == "text":
        # Numbers decide first: "300 euros" and "500 euros" are close strings, not one fine.
        if rules.text_numbers_decide:
            na, nb = numbers(a.label), numbers(b.label)
            if na and nb:
                # A text that states only some of the other's numbers says less, not otherwise.
                if na == nb:
                    return Relation.SAME
                if na < nb:
                    return Relation.A_VAGUER
                return Relation.B_VAGUER if nb < na else Relation.DIFFERENT
        if fuzz.token_set_ratio(fold(a.label), fold(b.label)) >= rules.text_similarity:
            return Relation.SAME
        return _by_words(a.label, b.label, rules, 101)
    raise ValueError(f"unknown value kind {kind!r}")


def compatible(kind: str, a: Value, b: Value, rules: Rules) -> bool:
    return compare(kind, a, b, rules) is not Relation.DIFFERENT


# --- statements and the choice of a value ---------------------------------------------------
@dataclass(frozen=True)
class Statement:
    """One document stating one value for one property of one thing (event claim or entity)."""

    value: Value
    document: str
    claim: str  # the IRI of the stating node (the event claim, or the entity in that graph)
    quotes: tuple[str, ...] = ()


@dataclass
class ValueGroup:
    """Statements of one value (the same value in different words)."""

    value: Value
    statements: list[Statement] = field(default_factory=list)
    supporters: set[str] = field(default_factory=set)  # documents stating it or a vaguer form

    @property
    def documents(self) -> list[str]:
        return sorted({s.document for s in self.statements})


@dataclass
class Resolution:
    """The outcome for one property: the chosen value (None on a tie no rule breaks), the
    distinct values (more than one means the sources disagree) and the vaguer statements that
    support them. `tie_break` names the rule that chose on a tie ("earliest"), if one did.
    A penalty told in parts also has `parts` (each kind's agreed part with its statements)
    and `combined`, the event's penalty: every undisputed part, joined."""

    kind: str
    chosen: Value | None
    groups: list[ValueGroup]
    vaguer: list[Statement]
    tie_break: str | None = None
    parts: list[ValueGroup] = field(default_factory=list)
    combined: Value | None = None

    @property
    def disputed(self) -> bool:
        return len(self.groups) > 1

    @property
    def event_value(self) -> Value | None:
        """The value the canonical event carries."""
        return self.combined if self.combined is not None else self.chosen

    @property
    def statements(self) -> list[Statement]:
        return [s for g in self.groups for s in g.statements] + self.vaguer


def _precision_rank(kind: str, value: Value) -> tuple[int, int, str]:
    if kind == "date":
        return (len(value.key), 0, value.key)
    return (len(value.parts), len(value.label), value.key)


def resolve(kind: str, statements: Sequence[Statement], rules: Rules) -> Resolution:
    """Group statements into distinct values and choose one by majority of documents; a tie
    is broken by the kind's rule in `rules.tie_breaks`, if it has one.

    The most precise forms are grouped first, so each vaguer statement can support every
    distinct value it holds rather than found a group of its own. A penalty is resolved part
    by part (penalties.resolve_penalty)."""
    if kind == "penalty":
        from ingest.fusion.penalties import resolve_penalty

        return resolve_penalty(statements, rules)
    ordered = sorted(statements, key=lambda s: (_precision_rank(kind, s.value), s.document), reverse=True)
    groups: list[ValueGroup] = []
    vaguer: list[Statement] = []
    for st in ordered:
        held_by: list[ValueGroup] = []
        placed = False
        for g in groups:
            rel = compare(kind, g.value, st.value, rules)
            if rel is Relation.SAME:
                g.statements.append(st)
                g.supporters.add(st.document)
                placed = True
                break
            if rel is Relation.B_VAGUER:
                held_by.append(g)
        if placed:
            continue
        if held_by:
            vaguer.append(st)
            for g in held_by:
                g.supporters.add(st.document)
            continue
        groups.append(ValueGroup(st.value, [st], {st.document}))
    # The representative of a group is the form most documents use, then the most precise.
    for g in groups:
        forms: dict[Value, set[str]] = {}
        for s in g.statements:
            forms.setdefault(s.value, set()).add(s.document)
        g.value = max(forms, key=lambda v: (len(forms[v]), _precision_rank(kind, v), v))
    groups.sort(key=lambda g: (-len(g.supporters), g.value.key))
    chosen: Value | None = None
    tie_break: str | None = None
    if len(groups) == 1 or (groups and len(groups[0].supporters) > len(groups[1].supporters)):
        chosen = groups[0].value
    elif groups and rules.tie_breaks.get(kind) == "earliest":
        top = [g for g in groups if len(g.supporters) == len(groups[0].supporters)]
        chosen = min(top, key=lambda g: (date_interval(g.value.key)[0], -len(g.value.key), g.value.key)).value
        tie_break = "earliest"
    return Resolution(kind, chosen, groups, vaguer, tie_break=tie_break)


def documents_of(statements: Iterable[Statement]) -> list[str]:
    return sorted({s.document for s in statements})
