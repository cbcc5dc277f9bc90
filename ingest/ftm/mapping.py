"""The CaseGraph -> FollowTheMoney mapping (mapping.yaml), read and checked against the FtM
model before anything is exported, so a wrong schema or property name fails with the file and
the entry that names it rather than as entities FtM would silently drop values from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

MAPPING = Path(__file__).parent / "mapping.yaml"


class MappingError(ValueError):
    """The mapping file names something FtM does not have, or is not of the expected form."""


@dataclass(frozen=True)
class PropertySpec:
    property: str
    ref: bool = False
    values: dict[str, str] | None = None
    fullest: str | None = None
    join: str | None = None
    only: tuple[str, ...] = ()


@dataclass(frozen=True)
class EntitySpec:
    name: str
    query: str
    schema: str | None
    schema_by_class: dict[str, str] = field(default_factory=dict)
    default_schema: str | None = None
    survivor: bool = False
    properties: dict[str, PropertySpec] = field(default_factory=dict)

    def schemata(self) -> set[str]:
        return {s for s in (self.schema, self.default_schema, *self.schema_by_class.values()) if s}


@dataclass(frozen=True)
class Mapping:
    id_prefix: str
    self_property: str
    entities: list[EntitySpec]
    not_expressed: list[str]


def load_mapping(path: Path = MAPPING) -> Mapping:
    from followthemoney import model

    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
        entities = [_entity(e) for e in data["entities"]]
        mapping = Mapping(data["id_prefix"], data["self_property"], entities, list(data.get("not_expressed", [])))
    except (KeyError, TypeError, yaml.YAMLError) as exc:
        raise MappingError(f"{path}: not a mapping of the documented form ({exc!r})") from exc
    for spec in mapping.entities:
        for schema_name in spec.schemata():
            schema = model.get(schema_name)
            if schema is None:
                raise MappingError(
                    f"{path}: entity {spec.name!r} names schema {schema_name!r}, which FtM does not have"
                )
            wanted = [(what, p) for what, p in spec.properties.items() if not p.only or schema_name in p.only]
            for what, prop in [*wanted, ("own IRI", PropertySpec(mapping.self_property))]:
                if prop.property not in schema.properties:
                    where = f"{path}: entity {spec.name!r}, {what!r}"
                    raise MappingError(f"{where}: FtM schema {schema_name} has no property {prop.property!r}")
                if prop.fullest and prop.fullest not in schema.properties:
                    where = f"{path}: entity {spec.name!r}, {what!r}"
                    raise MappingError(f"{where}: FtM schema {schema_name} has no property {prop.fullest!r}")
    return mapping


def _entity(data: dict[str, Any]) -> EntitySpec:
    by_class = dict(data.get("schema_by_class") or {})
    default = by_class.pop("default", None)
    props = {
        what: PropertySpec(
            property=p["property"],
            ref=bool(p.get("ref", False)),
            values=p.get("values"),
            fullest=p.get("fullest"),
            join=p.get("join"),
            only=tuple(p.get("only", ())),
        )
        for what, p in (data.get("properties") or {}).items()
    }
    return EntitySpec(
        name=data["name"],
        query=data["query"],
        schema=data.get("schema"),
        schema_by_class=by_class,
        default_schema=default,
        survivor=data.get("identity") == "survivor",
        properties=props,
    )
