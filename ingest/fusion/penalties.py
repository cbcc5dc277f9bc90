"""Penalties told in parts: "five years in prison; a fine of 250 MCI; banned from civic
activity for three years".

Reports often give different parts of one sentence: one the prison term, another the fine
and the ban. Those parts complement each other; they are not a disagreement. So a penalty is
split into parts, each part is given a kind (prison, fine, ban...: `penalty_parts` in
ingest/data/fusion_rules.yaml), and parts are compared only with parts of their own kind:
two parts disagree only when they state amounts in one unit that differ ("five years" vs
"four years"; "a fine of 250 MCI" and "fined US$1,500" are not compared). The canonical
event's penalty is every agreed part, joined, each part keeping the documents that state it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ingest import number_words
from ingest.fusion.rules import Rules
from ingest.fusion.values import Relation, Resolution, Statement, Value, ValueGroup, resolve
from ingest.names import fold

OTHER = "other"
# Where a penalty's text divides into parts: semicolons, and ", and" / " and" / "," before
# a word that opens a part of a penalty (the kind patterns decide what the part is).
_SPLIT = re.compile(r"\s*;\s*|\s*,?\s+and\s+(?=(?:a\s+|an\s+)?\w)|\s*,\s+(?=(?:a|an|and|plus)\b)", re.IGNORECASE)
_NUMBER_WORDS = number_words.counts()
_NUMBER = r"(?:\d+(?:[.,]\d+)*|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")"
_DURATION = re.compile(rf"\b({_NUMBER})[\s-]+(year|month|week|day)s?\b", re.IGNORECASE)
_DAYS = {"year": 360, "month": 30, "week": 7, "day": 1}  # only for comparing: 5 years = 60 months
# Currencies and units of account, spelled as reports spell them -> one unit name.
_CURRENCIES = {
    "us$": "USD",
    "$": "USD",
    "usd": "USD",
    "dollars": "USD",
    "dollar": "USD",
    "€": "EUR",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "£": "GBP",
    "gbp": "GBP",
    "pounds": "GBP",
}
_MONEY_BEFORE = re.compile(r"(US\$|\$|€|£)\s?(\d+(?:[.,]\d+)*)", re.IGNORECASE)
_MONEY_AFTER = re.compile(r"\b(\d+(?:[.,]\d+)*)(?:\s*([A-Za-z€£$]{1,12})\b)?")
_NOT_UNITS = frozenset({"and", "of", "in", "for", "to", "the", "or", "per", "a", "an", "on", "with", "after"})


def _number(text: str) -> float:
    word = text.lower()
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    return float(word.replace(",", ""))


@lru_cache(maxsize=4096)
def amounts(text: str) -> frozenset[tuple[str, float]]:
    """(unit, amount) pairs a part states: durations in days ("five years" -> ("time", 1800)),
    money in its currency or unit ("250 MCI" -> ("MCI", 250))."""
    found: set[tuple[str, float]] = set()
    for m in _DURATION.finditer(text):
        found.add(("time", _number(m.group(1)) * _DAYS[m.group(2).lower()]))
    rest = _DURATION.sub(" ", text)
    for m in _MONEY_BEFORE.finditer(rest):
        found.add((_CURRENCIES.get(m.group(1).lower(), m.group(1).upper()), _number(m.group(2))))
    rest = _MONEY_BEFORE.sub(" ", rest)
    for m in _MONEY_AFTER.finditer(rest):
        unit = m.group(2) or ""
        # A number with no unit after it ("a fine of 300") is compared with other bare numbers.
        name = "number" if not unit or unit.lower() in _NOT_UNITS else _CURRENCIES.get(unit.lower(), unit.upper())
        found.add((name, _number(m.group(1))))
    return frozenset(found)


def part_kind(text: str, rules: Rules) -> str:
    for kind, pattern in rules.penalty_parts:
        if pattern.search(text):
            return kind
    return OTHER


def split_parts(text: str, rules: Rules) -> list[tuple[str, str]]:
    """(kind, part text) for each part of a penalty; a piece of no kind of its own (", for
    three years") stays with the part before it."""
    # Parenthesised asides ("(final punishment: ...)") belong to their part: never split inside.
    pieces = [p.strip(" .,") for p in _split_outside_brackets(text)]
    pieces = [p for p in pieces if p]
    parts: list[tuple[str, str]] = []
    for piece in pieces:
        kind = part_kind(piece, rules)
        if kind == OTHER and parts and not amounts(piece):
            parts[-1] = (parts[-1][0], f"{parts[-1][1]}, {piece}")
        else:
            parts.append((kind, piece))
    return parts


def _split_outside_brackets(text: str) -> list[str]:
    depth_at, depth = [], 0
    for ch in text:
        depth = depth + 1 if ch == "(" else max(0, depth - 1) if ch == ")" else depth
        depth_at.append(depth)
    out: list[str] = []
    start = 0
    for m in _SPLIT.finditer(text):
        if depth_at[m.start()] == 0 and m.start() >= start:
            out.append(text[start : m.start()])
            start = m.end()
    out.append(text[start:])
    return out


def compare_parts(a: Value, b: Value, rules: Rules) -> Relation:
    """Two parts of one kind: different only when they state different amounts in a unit both
    use; a part without amounts is the vaguer form of one with them."""
    if fold(a.label) == fold(b.label):
        return Relation.SAME
    na, nb = amounts(a.label), amounts(b.label)
    if not na and not nb:
        return Relation.SAME
    if not na:
        return Relation.A_VAGUER
    if not nb:
        return Relation.B_VAGUER
    units_a, units_b = {u for u, _ in na}, {u for u, _ in nb}
    for unit in units_a & units_b:
        if {v for u, v in na if u == unit} != {v for u, v in nb if u == unit}:
            return Relation.DIFFERENT
    return Relation.SAME


def resolve_penalty(statements: Sequence[Statement], rules: Rules) -> Resolution:
    """Resolve each kind of part on its own; the parts that agree combine into the event's
    penalty. Kinds whose parts disagree make the property disputed: their values are the
    conflict's groups (a majority within the kind still chooses, as for any value)."""
    by_kind: dict[str, list[Statement]] = {}
    for st in statements:
        for kind, text in split_parts(st.value.label, rules):
            part = Statement(Value(key=text, label=text), st.document, st.claim, st.quotes)
            by_kind.setdefault(kind, []).append(part)
    order = [k for k, _ in rules.penalty_parts] + [OTHER]
    parts: list[ValueGroup] = []
    disputed: list[Resolution] = []
    for kind in sorted(by_kind, key=lambda k: (order.index(k) if k in order else len(order), k)):
        r = resolve("penalty-part", by_kind[kind], rules)
        if r.disputed:
            disputed.append(r)
        if r.chosen is not None:
            group = next(g for g in r.groups if g.value == r.chosen)
            # The chosen part's statements and every vaguer statement of the kind support it.
            supporting = list(group.statements) + list(r.vaguer)
            parts.append(ValueGroup(group.value, supporting, {s.document for s in supporting}))
    combined_text = "; ".join(p.value.label for p in parts)
    combined = Value(key=combined_text, label=combined_text) if combined_text else None
    if not disputed:
        whole = [ValueGroup(combined, list(statements), {s.document for s in statements})] if combined else []
        return Resolution("penalty", combined, whole, [], parts=parts, combined=combined)
    groups = [g for r in disputed for g in r.groups]
    vaguer = [s for r in disputed for s in r.vaguer]
    chosen = disputed[0].chosen if len(disputed) == 1 else None
    return Resolution("penalty", chosen, groups, vaguer, parts=parts, combined=combined)
