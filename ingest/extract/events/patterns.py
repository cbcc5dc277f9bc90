"""The trigger patterns (ingest/data/extract/events.yaml), checked against the registry of
event types on load, and the vocabulary the event steps share (anaphors, reporting verbs).

A typo in the patterns file (an unknown type, key, outcome or status, a duplicate id, a broken
regular expression) is a DataFileError naming the file and the rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ingest.event_types import EventType, registry
from ingest.extract.resources import DATA, DataFileError, compile_pattern, event_rules, vocabulary
from ingest.model import OUTCOMES, STATUSES

EVENTS_FILE = DATA / "events.yaml"
_RULE_KEYS = {"type", "id", "pattern", "outcome", "status", "penalty", "weak", "object", "lasting"}
_CUES = ("planned_cues", "not_planned", "blockers", "penalty_addenda", "penalty_stop")
_TOP_KEYS = {"aux", "rules", "yields", *_CUES}


@dataclass
class Rule:
    type: str
    id: str
    pattern: re.Pattern[str]
    outcome: str | None = None
    status: str | None = None
    penalty: str | bool | None = None
    weak: bool = False
    object_after: bool = False
    lasting: bool = False  # a ban that lasts: dated by when it began, part of a penalty told before it


@dataclass(frozen=True)
class Yield:
    """Triggers (by rule id or type) that give way to an act of `to` told in the same sentence."""

    rules: frozenset[str]
    types: frozenset[str]
    to: frozenset[str]

    def drops(self, rule: Rule) -> bool:
        return rule.id in self.rules or rule.type in self.types


@dataclass(frozen=True)
class TriggerPatterns:
    rules: list[Rule]
    cues: dict[str, re.Pattern[str]]  # planned_cues, not_planned, blockers, penalty_addenda, penalty_stop
    yields: list[Yield]


def _names(value: Any, allowed: Any, where: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise DataFileError(f"{where}: must be a list of names, not {value!r}")
    bad = [v for v in value if v not in allowed]
    if bad:
        raise DataFileError(f"{where}: {bad[0]!r} is not one of {', '.join(sorted(allowed))}")
    return frozenset(value)


def _rule(r: Any, where: str, aux: str, types: dict[str, EventType]) -> Rule:
    if not isinstance(r, dict):
        raise DataFileError(f"{where}: must be a mapping")
    unknown = sorted(set(r) - _RULE_KEYS)
    if unknown:
        expected = ", ".join(sorted(_RULE_KEYS))
        raise DataFileError(f"{where}: unknown key {unknown[0]!r} (expected one of {expected})")
    rule_id, kind = r.get("id"), r.get("type")
    if not isinstance(rule_id, str) or not rule_id:
        raise DataFileError(f"{where}: id: every rule needs an id (it is kept in the evidence)")
    if kind not in types:
        raise DataFileError(f"{where}: type: {kind!r} is not an event type of the registry ({', '.join(types)})")
    if not isinstance(r.get("pattern"), str):
        raise DataFileError(f"{where}: pattern: must be a regular expression")
    outcome, status, penalty = r.get("outcome"), r.get("status"), r.get("penalty")
    if outcome is not None and (outcome not in OUTCOMES or not types[kind].takes("outcome")):
        outcomes = ", ".join(OUTCOMES)
        raise DataFileError(f"{where}: outcome: {outcome!r} needs a type with outcomes, one of {outcomes}")
    if status is not None and status not in STATUSES:
        raise DataFileError(f"{where}: status: {status!r} is not one of {', '.join(STATUSES)}")
    if penalty is not None and (penalty not in (True, "match") or not types[kind].takes("penalty")):
        raise DataFileError(f"{where}: penalty: true or match, on a type with a penalty, not {penalty!r}")
    if r.get("object") not in (None, "after"):
        raise DataFileError(f"{where}: object: only `after` is known, not {r.get('object')!r}")
    for flag in ("weak", "lasting"):
        if not isinstance(r.get(flag, False), bool):
            raise DataFileError(f"{where}: {flag}: must be true or false")
    return Rule(
        type=kind,
        id=rule_id,
        pattern=compile_pattern(r["pattern"].replace("{AUX}", r"\b" + aux), f"{where}: pattern"),
        outcome=outcome,
        status=status,
        penalty=penalty,
        weak=bool(r.get("weak")),
        object_after=r.get("object") == "after",
        lasting=bool(r.get("lasting")),
    )


def parse_event_rules(data: dict[str, Any], source: str, types: dict[str, EventType] | None = None) -> TriggerPatterns:
    """The trigger patterns of an events patterns file, checked against the registry of event
    types (`types`, default the shipped one): an unknown type, key or value is a
    DataFileError naming `source` and the rule."""
    types = registry() if types is None else types
    if not isinstance(data, dict):
        raise DataFileError(f"{source}: expected a mapping at the top level")
    unknown = sorted(set(data) - _TOP_KEYS)
    if unknown:
        raise DataFileError(f"{source}: {unknown[0]}: unknown key (expected one of {', '.join(sorted(_TOP_KEYS))})")
    aux = data.get("aux")
    if not isinstance(aux, str):
        raise DataFileError(f"{source}: aux: must be a regular expression")
    raw_rules = data.get("rules")
    if not isinstance(raw_rules, list) or not raw_rules:
        raise DataFileError(f"{source}: rules: must be a list of trigger rules")
    rules: list[Rule] = []
    for i, r in enumerate(raw_rules):
        where = f"{source}: rules[{i}]" + (f" ({r.get('id')})" if isinstance(r, dict) and r.get("id") else "")
        rule = _rule(r, where, aux, types)
        if any(x.id == rule.id for x in rules):
            raise DataFileError(f"{where}: id: {rule.id!r} is used by an earlier rule")
        rules.append(rule)
    ids = {r.id for r in rules}
    yields = []
    for i, y in enumerate(data.get("yields") or []):
        where = f"{source}: yields[{i}]"
        if not isinstance(y, dict) or set(y) - {"rules", "types", "to"} or "to" not in y:
            raise DataFileError(f"{where}: needs `to` (types) and `rules` (ids) or `types`")
        yields.append(
            Yield(
                rules=_names(y.get("rules", []), ids, f"{where}.rules"),
                types=_names(y.get("types", []), types, f"{where}.types"),
                to=_names(y["to"], types, f"{where}.to"),
            )
        )
    cues = {}
    for key in _CUES:
        if not isinstance(data.get(key), str):
            raise DataFileError(f"{source}: {key}: must be a regular expression")
        cues[key] = compile_pattern(data[key], f"{source}: {key}")
    return TriggerPatterns(rules, cues, yields)


@lru_cache(maxsize=1)
def trigger_patterns() -> TriggerPatterns:
    return parse_event_rules(event_rules(), str(EVENTS_FILE))


@dataclass(frozen=True)
class Anaphors:
    plural: re.Pattern[str]  # "they", "the two"
    singular: re.Pattern[str]  # "he", "the writer"
    generic: list[re.Pattern[str]]  # "32 other people": unnamed subjects
    reporting_after: re.Pattern[str]  # "X said" after a name
    reporting_before: re.Pattern[str]  # "said X" (", said Dr X") before it


@lru_cache(maxsize=1)
def anaphors() -> Anaphors:
    v = vocabulary()

    def alt(words: list[str]) -> re.Pattern[str]:
        return re.compile(
            r"\b(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b", re.I
        )

    verbs = "|".join(sorted((re.escape(str(w)) for w in v.get("reporting_verbs", [])), key=len))
    return Anaphors(
        plural=alt(v["plural_anaphors"]),
        singular=alt(v["singular_anaphors"]),
        generic=[compile_pattern(p, "vocabulary.yaml generic_subjects") for p in v.get("generic_subjects", [])],
        reporting_after=re.compile(rf"(?:’s|'s)?\s+(?:(?:also|later|then|has|had)\s+)?(?:{verbs})\b"),
        reporting_before=re.compile(rf"\b(?:{verbs})\s+(?:(?:Mr|Ms|Mrs|Dr)\.?\s+)?$"),
    )
