"""A resource's description as RDF: the quads api/queries/ld_describe.rq selects (each
statement in its source graph), serialised in the negotiated format.

The store's syntax writer (ingest.store.rdf) writes every syntax but compacted JSON-LD, which
ingest.jsonld_write compacts with the published context; the former is an order of magnitude faster on
descriptions of thousands of statements (a person many documents name)."""

from __future__ import annotations

import json
from typing import Any

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from api.deps import load_query
from api.negotiation import JSONLD, NQUADS, NTRIPLES, RDFXML, TRIG, TURTLE
from ingest.jsonld_context import bundled_context
from ingest.jsonld_write import compact
from ingest.store import Store
from ingest.store.rdf import Format, serialize
from ingest.store.terms import IRI as IRITerm
from ingest.store.terms import BlankNode as BlankTerm
from ingest.store.terms import Quad
from ingest.vocab import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

# Media type -> syntax; datasets (TriG, N-Quads) keep each statement's graph.
RDF_FORMATS = {
    TURTLE: Format.TURTLE,
    NTRIPLES: Format.NTRIPLES,
    RDFXML: Format.RDFXML,
    TRIG: Format.TRIG,
    NQUADS: Format.NQUADS,
}
OX_PREFIXES = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def jsonld_context() -> dict[str, Any]:
    """The published @context (/context.jsonld, CONTEXT_IRI): see ingest.jsonld_context."""
    return bundled_context()


def describe_quads(store: Store, iri: str) -> list[Quad]:
    """Everything about `iri` (see ld_describe.rq), each statement in its source graph, once."""
    return list(dict.fromkeys(store.statements(load_query("ld_describe.rq", store.dialect), {"iri": IRITerm(iri)})))


def _rdflib(term: Any) -> Node:
    if isinstance(term, IRITerm):
        return URIRef(term.value)
    if isinstance(term, BlankTerm):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    dt = term.datatype
    return Literal(term.value, datatype=URIRef(dt) if dt != XSD_STRING else None)


def describe(store: Store, iri: str) -> Dataset:
    """The description as an rdflib Dataset (one graph per source document)."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    for q in describe_quads(store, iri):
        graph = ds.graph(URIRef(q.graph.value)) if q.graph is not None else ds.default_graph
        graph.add((_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object)))
    return ds


def serialise_quads(quads: list[Quad], media_type: str, context_url: str) -> bytes:
    """Bytes in the chosen syntax. Graph syntaxes get the triples once each; JSON-LD is
    compacted with the published context and points to it by URL rather than inlining it."""
    fmt = RDF_FORMATS.get(media_type)
    if fmt is not None:
        data: list[Any] = quads if fmt.supports_datasets else list(dict.fromkeys(q.triple for q in quads))
        prefixes = OX_PREFIXES if fmt in (Format.TURTLE, Format.TRIG, Format.RDFXML) else None
        return serialize(data, fmt, prefixes)
    if media_type != JSONLD:
        raise ValueError(f"not an RDF media type: {media_type}")
    triples = [(_rdflib(q.subject), _rdflib(q.predicate), _rdflib(q.object)) for q in quads]
    doc = compact(triples, jsonld_context()["@context"], context_url)
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def statements(ds: Dataset, iri: str) -> dict[str, Any]:
    """A plain view of the description for pages and the generic curated JSON: the labels
    known for linked resources, the resource's own statements and the ones pointing at it."""
    me = URIRef(iri)
    labels: dict[str, str] = {}
    label_p = URIRef("http://www.w3.org/2000/01/rdf-schema#label")
    for s, _p, o, _g in ds.quads((None, label_p, None, None)):
        labels.setdefault(str(s), str(o))
    own: list[dict[str, Any]] = []
    inbound: list[dict[str, Any]] = []
    for s, p, o, g in ds.quads((None, None, None, None)):
        graph = str(g.identifier) if isinstance(g, Graph) else str(g)
        if s == me:
            own.append(
                {
                    "property": str(p),
                    "value": str(o),
                    "is_iri": isinstance(o, URIRef),
                    "graph": graph,
                    "datatype": str(o.datatype) if isinstance(o, Literal) and o.datatype else None,
                }
            )
        elif o == me:
            inbound.append({"property": str(p), "subject": str(s), "graph": graph})
    own.sort(key=lambda x: (x["property"], x["value"], x["graph"]))
    inbound.sort(key=lambda x: (x["property"], x["subject"], x["graph"]))
    return {"labels": labels, "own": own, "inbound": inbound}
