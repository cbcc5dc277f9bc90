"""The fusion rules as data: ingest/data/fusion_rules.yaml, checked on load.

Every key is validated so a typo in the rules file is a clear error naming the file and the
key, never a silently ignored rule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ingest.errors import InputError
from ingest.event_types import REGISTRY_FILE, EventType, registry

RULES_FILE = Path(__file__).resolve().parent.parent / "data" / "fusion_rules.yaml"
PRECISIONS = ("day", "month", "year", "none")
VALUE_KINDS = ("date", "entity", "provisions", "concept", "text", "penalty")
TIE_BREAKS = ("earliest",)
RESOLUTIONS = ("majority",)


@dataclass(frozen=True)
class TypeRule:
    date_tolerance_days: int
    min_shared_subjects: int
    must_agree: tuple[str, ...]
    join_precisions: tuple[str, ...]
    join_by_support: tuple[str, ...]


@dataclass(frozen=True)
class ProceedingRules:
    types: frozenset[str]
    core: frozenset[str]
    max_gap_days: int


@dataclass(frozen=True)
class Rules:
    types: dict[str, TypeRule]
    event_properties: dict[str, str]  # local name under cg: -> value kind
    entity_properties: dict[str, dict[str, str]]  # "person"/"organisation" -> property -> kind
    label_similarity: float
    text_similarity: float
    text_numbers_decide: bool
    stop_words: frozenset[str]
    resolution: str
    proceedings: ProceedingRules
    # value kind -> how a tie between its values is broken ("earliest": the first date is
    # the event's value, all are kept as the disputed range); kinds not named stay unchosen.
    tie_breaks: dict[str, str] = field(default_factory=dict)
    # Kinds of penalty part, in the order they are tried: (kind, compiled pattern).
    penalty_parts: tuple[tuple[str, re.Pattern[str]], ...] = ()

    def for_type(self, event_type: str) -> TypeRule:
        return self.types[event_type]


class _Reader:
    """Typed access to one mapping of the rules file, with errors that name file and key."""

    def __init__(self, source: str, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise InputError(source, f"{where or 'the file'} must be a mapping, not {type(data).__name__}")
        self.source, self.data, self.where = source, data, where

    def fail(self, key: str, problem: str) -> InputError:
        return InputError(self.source, f"{self.where + '.' if self.where else ''}{key}: {problem}")

    def known(self, keys: set[str]) -> None:
        unknown = sorted(set(self.data) - keys)
        if unknown:
            raise self.fail(unknown[0], f"unknown key (expected one of {', '.join(sorted(keys))})")

    def number(self, key: str, default: float | None = None, *, low: float = 0, high: float = 10**6) -> float:
        value = self.data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int | float) or not low <= value <= high:
            raise self.fail(key, f"must be a number from {low} to {high}, not {value!r}")
        return float(value)

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {value!r}")
        return value

    def names(self, key: str, allowed: tuple[str, ...] | None, default: list[str] | None = None) -> tuple[str, ...]:
        value = self.data.get(key, default)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"must be a list of names, not {value!r}")
        if allowed is not None:
            bad = [v for v in value if v not in allowed]
            if bad:
                raise self.fail(key, f"{bad[0]!r} is not one of {', '.join(allowed)}")
        return tuple(value)

    def mapping(self, key: str) -> _Reader:
        if key not in self.data:
            raise self.fail(key, "missing")
        return _Reader(self.source, self.data[key], f"{self.where + '.' if self.where else ''}{key}")

    def kinds(self) -> dict[str, str]:
        out = {}
        for prop, kind in self.data.items():
            if kind not in VALUE_KINDS:
                raise self.fail(str(prop), f"value kind {kind!r} is not one of {', '.join(VALUE_KINDS)}")
            out[str(prop)] = str(kind)
        return out


def parse_rules(
    data: Any,
    source: str = str(RULES_FILE),
    event_types: dict[str, EventType] | None = None,
    registry_source: str = str(REGISTRY_FILE),
) -> Rules:
    """The rules from the parsed fusion rules file `data` and each event type's `fusion`
    entry in the registry (`event_types`, default the shipped one); an error names the file
    it is in (`source` or `registry_source`) and the key."""
    types_by_name = registry() if event_types is None else event_types
    top = _Reader(source, data, "")
    top.known(
        {
            "version",
            "defaults",
            "event_properties",
            "entity_properties",
            "label_similarity",
            "text_similarity",
            "text_numbers_decide",
            "stop_words",
            "resolution",
            "ties",
            "penalty_parts",
            "proceedings",
        }
    )
    if top.data.get("version") != 1:
        raise top.fail("version", f"this code reads version 1 rules, not {top.data.get('version')!r}")
    event_properties = top.mapping("event_properties").kinds()
    arguments = tuple(p for p in event_properties if p != "date")

    defaults = top.mapping("defaults")
    defaults.known({"date_tolerance_days", "min_shared_subjects", "must_agree", "join_precisions", "join_by_support"})
    types: dict[str, TypeRule] = {}
    for event_type in types_by_name.values():
        # Each type's tolerance lives with the type, in the registry of event types.
        r = _Reader(registry_source, event_type.fusion, f"types.{event_type.name}.fusion")
        r.known({"date_tolerance_days", "min_shared_subjects", "must_agree", "join_precisions", "join_by_support"})

        def pick(key: str, r: _Reader = r) -> _Reader:
            return r if key in r.data else defaults

        types[event_type.name] = TypeRule(
            date_tolerance_days=int(pick("date_tolerance_days").number("date_tolerance_days", high=3660)),
            min_shared_subjects=int(pick("min_shared_subjects").number("min_shared_subjects", low=1, high=100)),
            must_agree=pick("must_agree").names("must_agree", arguments),
            join_precisions=pick("join_precisions").names("join_precisions", PRECISIONS),
            join_by_support=pick("join_by_support").names("join_by_support", PRECISIONS, []),
        )

    entity_reader = top.mapping("entity_properties")
    entity_reader.known({"person", "organisation"})
    entity_properties = {kind: entity_reader.mapping(kind).kinds() for kind in ("person", "organisation")}

    resolution = top.data.get("resolution")
    if resolution not in RESOLUTIONS:
        raise top.fail("resolution", f"must be one of {', '.join(RESOLUTIONS)}, not {resolution!r}")

    ties = _Reader(source, top.data.get("ties", {}), "ties")
    tie_breaks: dict[str, str] = {}
    for kind, rule in ties.data.items():
        if kind not in VALUE_KINDS:
            raise ties.fail(str(kind), f"value kind {kind!r} is not one of {', '.join(VALUE_KINDS)}")
        if rule not in TIE_BREAKS:
            raise ties.fail(str(kind), f"must be one of {', '.join(TIE_BREAKS)}, not {rule!r}")
        if rule == "earliest" and kind != "date":
            raise ties.fail(str(kind), "earliest breaks ties between dates only")
        tie_breaks[str(kind)] = str(rule)
    penalty_parts = _penalty_parts(top)

    proc = top.mapping("proceedings")
    proc.known({"max_gap_days"})
    return Rules(
        types=types,
        event_properties=event_properties,
        entity_properties=entity_properties,
        label_similarity=top.number("label_similarity", low=50, high=100),
        text_similarity=top.number("text_similarity", low=50, high=100),
        text_numbers_decide=top.flag("text_numbers_decide", False),
        stop_words=frozenset(top.names("stop_words", None)),
        resolution=str(resolution),
        proceedings=ProceedingRules(
            # Which types make up a proceeding is said per type in the registry.
            types=frozenset(t.name for t in types_by_name.values() if t.proceeding != "none"),
            core=frozenset(t.name for t in types_by_name.values() if t.proceeding == "core"),
            max_gap_days=int(proc.number("max_gap_days", low=1, high=36600)),
        ),
        tie_breaks=tie_breaks,
        penalty_parts=penalty_parts,
    )


def _penalty_parts(top: _Reader) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """`penalty_parts`: a list of {kind: name, pattern: regex}, tried in order."""
    entries = top.data.get("penalty_parts", [])
    if not isinstance(entries, list):
        raise top.fail("penalty_parts", "must be a list of {kind, pattern}")
    out = []
    for i, entry in enumerate(entries):
        r = _Reader(top.source, entry, f"penalty_parts[{i}]")
        r.known({"kind", "pattern"})
        kind, pattern = r.data.get("kind"), r.data.get("pattern")
        if not isinstance(kind, str) or not kind:
            raise r.fail("kind", "must be a name")
        try:
            compiled = re.compile(str(pattern), re.IGNORECASE)
        except re.error as exc:
            raise r.fail("pattern", f"not a valid regular expression: {exc}") from exc
        out.append((kind, compiled))
    return tuple(out)


def read_rules(path: Path) -> Rules:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(str(path), f"cannot read the fusion rules: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"not valid YAML: {exc}") from exc
    return parse_rules(data, str(path))


@cache
def default_rules() -> Rules:
    return read_rules(RULES_FILE)
