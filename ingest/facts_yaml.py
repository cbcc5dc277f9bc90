"""Read and write facts files in the format of ../shared/gold/FORMAT.md.

A facts file is a researcher's hand-checked record of one document. Reading checks the
shape strictly and names the file and the field on any problem, because a silently
dropped field would become a silently missing fact.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from ingest.dates import normalise_iso_date
from ingest.errors import InputError
from ingest.model import (
    EVENT_TYPES,
    ORGANISATION_KINDS,
    OUTCOMES,
    PERSON_KINDS,
    STATUSES,
    DocumentRecord,
    EventRecord,
    Facts,
    OrganisationRecord,
    PersonRecord,
)

MAX_FACTS_BYTES = 5_000_000


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return str(value)


def _str_list(value: Any, where: str, source: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(source, f"{where} must be a list, got {type(value).__name__}")
    return [str(v) for v in value if v is not None]


def _date(value: Any, where: str, source: str) -> str | None:
    text = _str_or_none(value)
    if text is None:
        return None
    iso = normalise_iso_date(text)
    if iso is None:
        raise InputError(source, f"{where}: {text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return iso


def _choice(value: Any, allowed: tuple[str, ...], where: str, source: str, default: str) -> str:
    if value is None:
        return default
    text = str(value)
    if text not in allowed:
        raise InputError(source, f"{where}: {text!r} is not one of {', '.join(allowed)}")
    return text


def _mapping(value: Any, where: str, source: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(source, f"{where} must be a mapping")
    return value


def _publication(value: Any, source: str) -> str | None:
    """document.publication: public or withheld (ingest.publication); absent: not said."""
    if value is None:
        return None
    if value not in ("public", "withheld"):
        raise InputError(source, f"document.publication: {value!r} is not a publication state (use public or withheld)")
    return str(value)


def facts_from_data(data: Any, source: str) -> Facts:
    """Turn parsed YAML into records, checking every field FORMAT.md defines."""
    top = _mapping(data, "the file", source)
    doc = _mapping(top.get("document"), "document", source)
    if not doc.get("file"):
        raise InputError(source, "document.file is required (the source document's file name)")
    document = DocumentRecord(
        file=str(doc["file"]),
        publishers=_str_list(doc.get("publishers"), "document.publishers", source),
        published=_date(doc.get("published"), "document.published", source),
        reference=_str_or_none(doc.get("reference")),
        language=_str_or_none(doc.get("language")),
        source_url=_str_or_none(doc.get("url")),
        title=_str_or_none(doc.get("title")),
        curated=True,
        publication=_publication(doc.get("publication"), source),
    )
    people = []
    for i, raw in enumerate(top.get("people") or []):
        p = _mapping(raw, f"people[{i}]", source)
        if not p.get("name"):
            raise InputError(source, f"people[{i}].name is required")
        people.append(
            PersonRecord(
                name=str(p["name"]),
                aliases=_str_list(p.get("aliases"), f"people[{i}].aliases", source),
                kind=_choice(p.get("kind"), PERSON_KINDS, f"people[{i}].kind", source, "other"),
                roles=_str_list(p.get("roles"), f"people[{i}].roles", source),
                organisation=_str_or_none(p.get("organisation")),
                position=_str_or_none(p.get("position")),
                residence=_str_or_none(p.get("residence")),
            )
        )
    organisations = []
    for i, raw in enumerate(top.get("organisations") or []):
        o = _mapping(raw, f"organisations[{i}]", source)
        if not o.get("name"):
            raise InputError(source, f"organisations[{i}].name is required")
        organisations.append(
            OrganisationRecord(
                name=str(o["name"]),
                aliases=_str_list(o.get("aliases"), f"organisations[{i}].aliases", source),
                kind=_choice(o.get("kind"), ORGANISATION_KINDS, f"organisations[{i}].kind", source, "other"),
                place=_str_or_none(o.get("place")),
            )
        )
    events = []
    for i, raw in enumerate(top.get("events") or []):
        e = _mapping(raw, f"events[{i}]", source)
        where = f"events[{i}]"
        if e.get("type") is None:
            raise InputError(source, f"{where}.type is required")
        outcome = e.get("outcome")
        events.append(
            EventRecord(
                type=_choice(e.get("type"), EVENT_TYPES, f"{where}.type", source, "other"),
                people=_str_list(e.get("people"), f"{where}.people", source),
                date=_date(e.get("date"), f"{where}.date", source),
                status=_choice(e.get("status"), STATUSES, f"{where}.status", source, "occurred"),
                place=_str_or_none(e.get("place")),
                authority=_str_or_none(e.get("authority")),
                judge=_str_or_none(e.get("judge")),
                provisions=_str_list(e.get("provisions"), f"{where}.provisions", source),
                from_=_str_or_none(e.get("from")),
                to=_str_or_none(e.get("to")),
                outcome=None if outcome is None else _choice(outcome, OUTCOMES, f"{where}.outcome", source, ""),
                penalty=_str_or_none(e.get("penalty")),
                replaces=_str_list(e.get("replaces"), f"{where}.replaces", source),
            )
        )
    return Facts(document=document, people=people, organisations=organisations, events=events)


def read_facts(path: Path) -> Facts:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FACTS_BYTES:
            raise InputError(source, f"facts file is {size} bytes; the limit is {MAX_FACTS_BYTES}")
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(source, f"cannot read facts file: {exc}") from exc
    except yaml.YAMLError as exc:
        raise InputError(source, f"not valid YAML: {exc}") from exc
    except ValueError as exc:  # PyYAML builds dates while parsing: 2019-02-30 fails there
        raise InputError(source, f"not a real date in the file: {exc}") from exc
    return facts_from_data(data, source)


def facts_to_data(facts: Facts) -> dict[str, Any]:
    """Records -> the FORMAT.md mapping (fields that are not stated are left out of events)."""
    d = facts.document
    out: dict[str, Any] = {
        "document": {
            "file": d.file,
            "publishers": list(d.publishers),
            "published": d.published,
            "reference": d.reference,
            "language": d.language,
            # only when withheld: a file built again elsewhere stays withheld (ingest.publication)
            **({"publication": d.publication} if d.publication == "withheld" else {}),
        },
        "people": [
            {
                "name": p.name,
                "aliases": list(p.aliases),
                "kind": p.kind,
                "roles": list(p.roles),
                "organisation": p.organisation,
                "position": p.position,
                "residence": p.residence,
            }
            for p in facts.people
        ],
        "organisations": [
            {"name": o.name, "aliases": list(o.aliases), "kind": o.kind, "place": o.place} for o in facts.organisations
        ],
        "events": [],
    }
    for e in facts.events:
        ev: dict[str, Any] = {"type": e.type, "people": list(e.people), "date": e.date, "status": e.status}
        for key, value in (
            ("place", e.place),
            ("authority", e.authority),
            ("judge", e.judge),
            ("provisions", e.provisions),
            ("from", e.from_),
            ("to", e.to),
            ("outcome", e.outcome),
            ("penalty", e.penalty),
            ("replaces", e.replaces),
        ):
            if value:
                ev[key] = list(value) if isinstance(value, list) else value
        out["events"].append(ev)
    return out


def write_facts(facts: Facts, path: Path) -> None:
    path.write_text(
        yaml.safe_dump(facts_to_data(facts), sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
    )
