"""The registry of event types, ingest/data/event_types.yaml, read and checked on load.

Everything that differs by event type is read from there: the ontology class, the arguments
extraction looks for, which organisations can be an event's authority and how it is found,
whether the type is a lasting state or a verdict, its place in a proceeding and its fusion
tolerance. A typo in the file is an InputError naming the file, the type and the key.

This module depends on nothing else of the project but `ingest.errors`, so the model, the
vocabulary and the extractors can all be derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from ingest.errors import InputError

REGISTRY_FILE = Path(__file__).resolve().parent / "data" / "event_types.yaml"
# FORMAT.md's argument names (besides people, date and status).
ARGUMENTS = ("place", "authority", "judge", "provisions", "from", "to", "outcome", "penalty", "replaces")
ROLES = ("agent", "decider", "addressee")
PROCEEDING_PARTS = ("core", "step", "none")
# The organisation kinds of FORMAT.md (ingest.model.ORGANISATION_KINDS reads them from here
# too, so the two cannot drift apart).
ORGANISATION_KINDS: tuple[str, ...] = (
    "ngo",
    "court",
    "state-body",
    "detention-facility",
    "intergovernmental",
    "media",
    "company",
    "political-party",
    "other",
)
_TYPE_KEYS = {"class", "description", "arguments", "authority", "state", "verdict", "proceeding", "fusion"}
_AUTHORITY_KEYS = {"kinds", "role", "officials"}


@dataclass(frozen=True)
class EventType:
    name: str  # as in FORMAT.md and the facts files: "appeal-decision"
    class_name: str  # local name of the ontology class under cg:
    description: str
    arguments: frozenset[str]
    authority_kinds: tuple[str, ...]
    authority_role: str  # agent | decider | addressee
    authority_officials: bool
    state: bool
    verdict: bool
    proceeding: str  # core | step | none
    fusion: dict[str, Any]  # checked by ingest.fusion.rules against its defaults

    def takes(self, argument: str) -> bool:
        """Whether extraction looks for `argument` (a FORMAT.md name) on events of this type."""
        return argument in self.arguments


class _Entry:
    """Typed access to one mapping, with errors naming the file and where in it."""

    def __init__(self, source: str, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise InputError(source, f"{where}: must be a mapping, not {type(data).__name__}")
        self.source, self.data, self.where = source, data, where

    def fail(self, key: str, problem: str) -> InputError:
        return InputError(self.source, f"{self.where}.{key}: {problem}")

    def known(self, keys: set[str]) -> None:
        unknown = sorted(set(self.data) - keys)
        if unknown:
            raise self.fail(unknown[0], f"unknown key (expected one of {', '.join(sorted(keys))})")

    def text(self, key: str) -> str:
        value = self.data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty string, not {value!r}")
        return value.strip()

    def flag(self, key: str) -> bool:
        value = self.data.get(key, False)
        if not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {value!r}")
        return value

    def choice(self, key: str, allowed: tuple[str, ...]) -> str:
        value = self.data.get(key)
        if value not in allowed:
            raise self.fail(key, f"must be one of {', '.join(allowed)}, not {value!r}")
        return str(value)

    def names(self, key: str, allowed: tuple[str, ...]) -> tuple[str, ...]:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"must be a list of names, not {value!r}")
        bad = [v for v in value if v not in allowed]
        if bad:
            raise self.fail(key, f"{bad[0]!r} is not one of {', '.join(allowed)}")
        return tuple(value)


def parse_registry(data: Any, source: str = str(REGISTRY_FILE)) -> dict[str, EventType]:
    """The registry from the parsed YAML `data` (InputError naming `source` when it is wrong)."""
    if not isinstance(data, dict):
        raise InputError(source, "the registry must be a mapping with `version` and `types`")
    if data.get("version") != 1:
        raise InputError(source, f"version: this code reads version 1, not {data.get('version')!r}")
    unknown = sorted(set(data) - {"version", "types"})
    if unknown:
        raise InputError(source, f"{unknown[0]}: unknown key (expected version, types)")
    types = data.get("types")
    if not isinstance(types, dict) or not types:
        raise InputError(source, "types: must map each event type name to its entry")
    out: dict[str, EventType] = {}
    classes: dict[str, str] = {}
    for name, raw in types.items():
        if not isinstance(name, str) or not name.replace("-", "").isalpha() or name != name.lower():
            raise InputError(source, f"types: {name!r} is not a type name (lower-case words joined by hyphens)")
        entry = _Entry(source, raw, f"types.{name}")
        entry.known(_TYPE_KEYS)
        class_name = entry.text("class")
        if not class_name.isidentifier() or not class_name[0].isupper():
            raise entry.fail("class", f"{class_name!r} is not the local name of a cg: class (e.g. Arrest)")
        if class_name in classes:
            raise entry.fail("class", f"{class_name} is already the class of {classes[class_name]}")
        classes[class_name] = name
        authority = _Entry(source, entry.data.get("authority", {}), f"types.{name}.authority")
        authority.known(_AUTHORITY_KEYS)
        arguments = frozenset(entry.names("arguments", ARGUMENTS))
        fusion = entry.data.get("fusion", {})
        if not isinstance(fusion, dict):
            raise entry.fail("fusion", f"must be a mapping, not {type(fusion).__name__}")
        out[name] = EventType(
            name=name,
            class_name=class_name,
            description=entry.text("description"),
            arguments=arguments,
            authority_kinds=authority.names("kinds", ORGANISATION_KINDS),
            authority_role=authority.choice("role", ROLES),
            authority_officials=authority.flag("officials"),
            state=entry.flag("state"),
            verdict=entry.flag("verdict"),
            proceeding=entry.choice("proceeding", PROCEEDING_PARTS),
            fusion=dict(fusion),
        )
        if out[name].authority_kinds and "authority" not in arguments:
            raise entry.fail("authority", "names authority kinds, but `authority` is not among its arguments")
    return out


def read_registry(path: Path) -> dict[str, EventType]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise InputError(str(path), f"cannot read the event type registry: {exc.strerror or exc}") from exc
    except yaml.YAMLError as exc:
        raise InputError(str(path), f"not valid YAML: {exc}") from exc
    return parse_registry(data, str(path))


@cache
def registry() -> dict[str, EventType]:
    """The shipped registry, by type name, in file order."""
    return read_registry(REGISTRY_FILE)


def event_type(name: str) -> EventType:
    return registry()[name]


def types_where(**wanted: Any) -> frozenset[str]:
    """Names of the types whose fields equal `wanted` ("state=True", "authority_role='agent'")."""
    return frozenset(t.name for t in registry().values() if all(getattr(t, k) == v for k, v in wanted.items()))


def types_taking(argument: str) -> frozenset[str]:
    """Names of the types for which extraction looks for `argument`."""
    if argument not in ARGUMENTS:
        raise KeyError(f"{argument!r} is not one of {', '.join(ARGUMENTS)}")
    return frozenset(t.name for t in registry().values() if argument in t.arguments)


EVENT_TYPES: tuple[str, ...] = tuple(registry())
