"""The vocabulary the query editor completes: the prefixes the project uses (ingest.vocab)
and, per prefix, the terms the ontology (ontology/*.ttl) declares, with label and comment;
plus the IRIs minted here (`id:`). Read once from the ontology files."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from ingest.vocab import PREFIXES

ONTOLOGY = Path(__file__).resolve().parent.parent / "ontology"
CLASS_TYPES = {OWL.Class, RDFS.Class}
PROPERTY_TYPES = {RDF.Property, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty}


@cache
def _ontology() -> Graph:
    g = Graph()
    for path in sorted(ONTOLOGY.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def vocabulary(id_base: str) -> dict[str, Any]:
    prefixes = {p: str(ns) for p, ns in sorted(PREFIXES.items())}
    prefixes["id"] = id_base
    g = _ontology()
    terms: dict[str, list[dict[str, str]]] = {}
    for subject in sorted({s for s in g.subjects(RDF.type, None) if isinstance(s, URIRef)}):
        types = set(g.objects(subject, RDF.type))
        kind = "class" if types & CLASS_TYPES else "property" if types & PROPERTY_TYPES else "individual"
        for prefix, ns in prefixes.items():
            if prefix != "id" and str(subject).startswith(ns) and len(str(subject)) > len(ns):
                terms.setdefault(prefix, []).append(
                    {
                        "name": str(subject)[len(ns) :],
                        "kind": kind,
                        "label": str(g.value(subject, RDFS.label) or ""),
                        "comment": str(g.value(subject, RDFS.comment) or ""),
                    }
                )
                break
    return {"prefixes": prefixes, "terms": terms}
