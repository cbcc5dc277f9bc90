"""Export the graph as FollowTheMoney entities, one JSON object a line, as mapping.yaml says.

Generic: each entry of the mapping runs its query (rows of ?iri ?what ?value), gathers the rows
of one IRI into one entity and fills FtM properties by the `what` table; nothing here names a
CaseGraph class. Entities are built and cleaned by the followthemoney package itself; a value it
refuses (a date it cannot read, say) or a link to nothing exported is reported, never dropped
without a word. Ids are make_entity_id(prefix, IRI): the same in every export of the same graph.

Reads what `casegraph export` reads: the whole store (document graphs and the fused view)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ingest.ftm.mapping import EntitySpec, Mapping, load_mapping
from ingest.groups import Groups
from ingest.ids import canonical_iri
from ingest.names import fullest_spelling
from ingest.queries import load
from ingest.store import Store


@dataclass
class Report:
    """What the export wrote and what it could not write."""

    counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    problems: list[str] = field(default_factory=list)


def survivors(store: Store) -> dict[str, str]:
    """IRI -> the IRI that answers for it, for every IRI in an owl:sameAs set: the readable IRI
    the fused graph publishes, else the fullest of the described members, else of all (the
    rule of api.identity, from the data alone)."""
    joined = Groups()
    described: set[str] = set()
    published: set[str] = set()
    for r in store.select(load("ftm_identity")):
        a, b = r["a"] or "", r["b"] or ""
        if r["described"] == "true":
            described.add(a)
        if r["published"] == "true":
            published.add(a)
        joined.join(a, b)
    out: dict[str, str] = {}
    for members in joined.groups():
        chosen = [m for m in members if m in published] or [m for m in members if m in described] or members
        for m in members:
            out[m] = canonical_iri(chosen)
    return out


def _gather(store: Store, spec: EntitySpec, same: dict[str, str]) -> dict[str, dict[str, set[str]]]:
    found: dict[str, dict[str, set[str]]] = {}
    for r in store.select(load(spec.query)):
        iri = r["iri"] or ""
        if spec.survivor:
            iri = same.get(iri, iri)
        found.setdefault(iri, defaultdict(set))[r["what"] or ""].add(r["value"] or "")
    return found


def _schema(spec: EntitySpec, values: dict[str, set[str]]) -> str | None:
    if spec.schema:
        return spec.schema
    classes = values.get("class", set())
    for cls, schema in spec.schema_by_class.items():
        if cls in classes:
            return schema
    return spec.default_schema


def entities(store: Store, mapping: Mapping | None = None, report: Report | None = None) -> Iterator[dict[str, Any]]:
    """Every FtM entity of the graph as a dict (FtM's own to_dict), in a stable order."""
    from followthemoney import model
    from followthemoney.util import make_entity_id

    mapping = mapping or load_mapping()
    report = report if report is not None else Report()
    same = survivors(store)
    gathered = [(spec, _gather(store, spec, same)) for spec in mapping.entities]
    ids = {iri: make_entity_id(mapping.id_prefix, iri) for _, found in gathered for iri in found}
    for spec, found in gathered:
        for iri in sorted(found):
            values = found[iri]
            schema = _schema(spec, values)
            if schema is None:
                report.problems.append(
                    f"{spec.name} {iri}: no FtM schema for its classes {sorted(values.get('class', []))}"
                )
                continue
            proxy = model.make_entity(schema)
            proxy.id = ids[iri]
            if iri.startswith(("http://", "https://")) and " " not in iri:  # not an edge's id seed
                proxy.add(mapping.self_property, iri)  # the entity's own page: its IRI dereferences
            for what, raw in sorted(values.items()):
                prop = spec.properties.get(what)
                if prop is None or (prop.only and schema not in prop.only):
                    continue
                texts = sorted(raw)
                if prop.values is not None:
                    texts = [prop.values[t] for t in texts if t in prop.values]
                if prop.ref:
                    linked = [ids.get(same.get(t, t)) for t in texts]
                    for t, target in zip(texts, linked, strict=True):
                        if target is None:
                            report.problems.append(f"{spec.name} {iri}: {what} {t} is not an exported entity")
                    texts = [t for t in linked if t is not None]
                if prop.fullest and texts:
                    first = fullest_spelling(texts)
                    _add(proxy, prop.fullest, [t for t in texts if t != first], iri, report)
                    texts = [first]
                if prop.join is not None and texts:
                    texts = [prop.join.join(texts)]
                _add(proxy, prop.property, texts, iri, report)
            missing = [p for p in proxy.schema.required if not proxy.get(p)]
            if missing:
                report.problems.append(f"{spec.name} {iri}: left out, FtM {schema} needs {', '.join(missing)}")
                continue
            report.counts[schema] += 1
            yield proxy.to_dict()


def _add(proxy: Any, prop: str, texts: list[str], iri: str, report: Report) -> None:
    for text in texts:
        before = len(proxy.get(prop))
        proxy.add(prop, text)
        if len(proxy.get(prop)) == before and text not in proxy.get(prop):
            report.problems.append(f"{iri}: FtM refused {text[:80]!r} as {proxy.schema.name}.{prop}")


def to_json_lines(store: Store, report: Report | None = None, mapping: Mapping | None = None) -> Iterator[str]:
    """The export as JSON lines (keys sorted, so two exports of one graph are byte-identical)."""
    for entity in entities(store, mapping, report):
        yield json.dumps(entity, ensure_ascii=False, sort_keys=True) + "\n"
