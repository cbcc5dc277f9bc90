"""Compacted JSON-LD for a set of triples, against the CaseGraph context, that expands back to
exactly those triples.

rdflib's compaction writes `"43"^^xsd:nonNegativeInteger` as the JSON number 43, which expands
to an xsd:integer, and ignores typed terms; so the server's JSON-LD did not round-trip. This
writer uses a term only where its coercion matches the value exactly (an IRI for an `@id` term,
the same datatype for a typed term, a plain string for an uncoerced one) and otherwise writes
the CURIE with an explicit value object. Numbers and booleans are never written as JSON natives.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD
from rdflib.term import Node


class Compactor:
    """Picks keys and value forms from a context's terms and prefixes."""

    def __init__(self, context: dict[str, Any]) -> None:
        self.prefixes: list[tuple[str, str]] = []
        # (property IRI, coercion or None) -> term
        self.terms: dict[tuple[str, str | None], str] = {}
        self.class_terms: dict[str, str] = {}
        for name, value in context.items():
            if isinstance(value, str) and value.endswith(("/", "#")) and ":" not in name:
                self.prefixes.append((name, value))
        self.prefixes.sort(key=lambda kv: -len(kv[1]))
        for name, value in context.items():
            if isinstance(value, str) and not value.endswith(("/", "#")):
                iri = self.expand(value)
                self.terms.setdefault((iri, None), name)
                self.class_terms.setdefault(iri, name)
            elif isinstance(value, dict) and "@id" in value:
                coercion = value.get("@type")
                self.terms.setdefault((self.expand(value["@id"]), self.expand(coercion) if coercion else None), name)

    def expand(self, curie: str) -> str:
        if curie.startswith("@"):
            return curie
        prefix, sep, rest = curie.partition(":")
        for name, ns in self.prefixes:
            if sep and name == prefix and not rest.startswith("//"):
                return ns + rest
        return curie

    def curie(self, iri: str) -> str:
        for name, ns in self.prefixes:
            if iri.startswith(ns) and len(iri) > len(ns):
                return f"{name}:{iri[len(ns) :]}"
        return iri

    def node_id(self, node: Node) -> str:
        return f"_:{node}" if isinstance(node, BNode) else str(node)

    def key_and_value(self, predicate: str, obj: Node) -> tuple[str, Any]:
        if isinstance(obj, URIRef | BNode):
            term = self.terms.get((predicate, "@id"))
            if term is not None:
                return term, self.node_id(obj)
            return self.terms.get((predicate, None)) or self.curie(predicate), {"@id": self.node_id(obj)}
        assert isinstance(obj, Literal)
        if obj.language:
            value: dict[str, str] = {"@value": str(obj), "@language": obj.language}
            return self.terms.get((predicate, None)) or self.curie(predicate), value
        datatype = str(obj.datatype) if obj.datatype and obj.datatype != XSD.string else None
        if datatype is None:
            term = self.terms.get((predicate, None))
            return term or self.curie(predicate), str(obj)
        term = self.terms.get((predicate, datatype))
        if term is not None:
            return term, str(obj)
        plain = self.terms.get((predicate, None)) or self.curie(predicate)
        return plain, {"@value": str(obj), "@type": self.curie(datatype)}


def compact(triples: Iterable[tuple[Node, Node, Node]], context: dict[str, Any], context_ref: Any) -> dict[str, Any]:
    """{"@context": context_ref, "@graph": [one node object per subject]}, in a stable order.
    `context` is the context's body (the terms), used to choose keys; `context_ref` is what the
    document names as its context (an IRI, or the body itself to inline it)."""
    compactor = Compactor(context)
    nodes: dict[str, dict[str, Any]] = {}
    for s, p, o in sorted(set(triples), key=lambda t: (str(t[0]), str(t[1]), str(t[2]))):
        node = nodes.setdefault(compactor.node_id(s), {"@id": compactor.node_id(s)})
        if p == RDF.type and isinstance(o, URIRef):
            node.setdefault("@type", []).append(compactor.class_terms.get(str(o)) or compactor.curie(str(o)))
            continue
        key, value = compactor.key_and_value(str(p), o)
        node.setdefault(key, []).append(value)
    graph = []
    for node in nodes.values():
        graph.append({k: v[0] if isinstance(v, list) and len(v) == 1 else v for k, v in node.items()})
    return {"@context": context_ref, "@graph": graph}
