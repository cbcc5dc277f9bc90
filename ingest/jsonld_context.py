"""The CaseGraph JSON-LD @context, derived from the ontology and the shapes.

Published at CONTEXT_IRI (and at /context.jsonld on every server) and bundled as
ontology/context.jsonld, so `casegraph validate` can read JSON-LD that refers to it without a
network. Each class and property of the ontology gets a term named by its local name; the other
vocabularies' properties and classes the shapes constrain get one too, unless the name is taken.
Coercions keep the round trip exact: object properties (and paths the shapes require to be IRIs)
are `@type: @id`; a property whose values have one datatype (xsd:date, xsd:decimal...) gets that
`@type`. Properties whose values may be plain or language-tagged strings, or one of several date
types (xsd:date, xsd:gYearMonth, xsd:gYear), are left uncoerced: a default `@language` or
`@type` would change the literals they hold. `tests/test_jsonld.py` checks the bundled copy is
what this module builds.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from ingest.bundled import ONTOLOGY_DIR
from ingest.namespaces import DEFAULT_BASE, PREFIXES

CONTEXT_IRI = DEFAULT_BASE + "context.jsonld"

_JSON_KEYWORDS = {"id", "type", "value", "context", "graph"}  # legal as terms, but they confuse readers


def _curie(iri: str) -> str:
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(str(kv[1]))):
        if iri.startswith(str(ns)) and iri != str(ns):
            return f"{prefix}:{iri[len(str(ns)) :]}"
    return iri


def _local(iri: str) -> str:
    return iri.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _single_datatype(ontology: Graph, prop: Node) -> str | None:
    """The one XSD datatype a cg: datatype property's range names, if exactly one."""
    ranges = [r for r in ontology.objects(prop, RDFS.range) if isinstance(r, URIRef)]
    if len(ranges) == 1 and str(ranges[0]).startswith(str(XSD)) and ranges[0] != XSD.string:
        return str(ranges[0])
    return None


def _shape_coercions(shapes: Graph) -> dict[str, str | None]:
    """Per sh:path IRI: "@id" if every property shape on it wants IRIs, a datatype if they all
    name the same single one, else None (no coercion)."""
    seen: dict[str, set[str]] = {}
    for shape, path in shapes.subject_objects(SH.path):
        if not isinstance(path, URIRef):
            continue
        kinds = {str(d) for d in shapes.objects(shape, SH.datatype)}
        if shapes.value(shape, SH["class"]) is not None or shapes.value(shape, SH.nodeKind) == SH.IRI:
            kinds.add("@id")
        if shapes.value(shape, SH["or"]) is not None:
            kinds.add("?")  # alternatives: leave the values as they are
        if kinds:  # a shape that only compares or counts values says nothing about their type
            seen.setdefault(str(path), set()).update(kinds)
    out: dict[str, str | None] = {}
    for path_iri, wanted in seen.items():
        only = next(iter(wanted)) if len(wanted) == 1 else None
        out[path_iri] = only if only is not None and only != "?" and only != str(XSD.string) else None
    return out


def _term(iri: str, coercion: str | None) -> str | dict[str, str]:
    if coercion is None:
        return _curie(iri)
    return {"@id": _curie(iri), "@type": coercion if coercion == "@id" else _curie(coercion)}


def build_context(ontology: Graph, shapes: Graph) -> dict[str, Any]:
    """The context document: prefixes, then a term per class and property."""
    context: dict[str, Any] = {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}
    terms: dict[str, str | dict[str, str]] = {}

    def add(iri: str, coercion: str | None) -> None:
        name = _local(iri)
        if not name or name in context or name in terms or name.lower() in _JSON_KEYWORDS:
            return
        terms[name] = _term(iri, coercion)

    cg = str(PREFIXES["cg"])
    classes = sorted(str(c) for c in ontology.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef))
    for iri in classes:
        if iri.startswith(cg):
            add(iri, None)
    for prop in sorted(set(ontology.subjects(RDF.type, OWL.ObjectProperty)), key=str):
        if isinstance(prop, URIRef) and str(prop).startswith(cg):
            add(str(prop), "@id")
    datatype_props = set(ontology.subjects(RDF.type, OWL.DatatypeProperty)) | set(
        ontology.subjects(RDF.type, RDF.Property)
    )
    for prop in sorted(datatype_props, key=str):
        if isinstance(prop, URIRef) and str(prop).startswith(cg):
            add(str(prop), _single_datatype(ontology, prop))
    # Other vocabularies, as the shapes use them (Web Annotation, SKOS, Dublin Core...).
    for path, coercion in sorted(_shape_coercions(shapes).items()):
        if not path.startswith(cg):
            add(path, coercion)
    for cls in sorted(
        {str(c) for c in shapes.objects(None, SH.targetClass)} | {str(c) for c in shapes.objects(None, SH["class"])}
    ):
        if not cls.startswith(cg) and cls.startswith("http"):
            add(cls, None)
    add(str(OWL.sameAs), "@id")
    context.update(sorted(terms.items()))
    return {"@context": context}


def render_context(context: dict[str, Any]) -> str:
    return json.dumps(context, indent=2, ensure_ascii=False) + "\n"


def bundled_context_path() -> Path:
    return ONTOLOGY_DIR / "context.jsonld"


@cache
def bundled_context() -> dict[str, Any]:
    """The context shipped with the package (ontology/context.jsonld)."""
    document: dict[str, Any] = json.loads(bundled_context_path().read_text(encoding="utf-8"))
    return document


if __name__ == "__main__":  # python -m ingest.jsonld_context: regenerate the bundled copy
    from ingest.validate import ontology_graph, shapes_graph

    bundled_context_path().write_text(render_context(build_context(ontology_graph(), shapes_graph())), encoding="utf-8")
