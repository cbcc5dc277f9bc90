"""A resource's description as RDF: the rows of api/queries/ld_describe.rq turned into an
rdflib Dataset (one graph per source document) and serialised in the negotiated format."""

from __future__ import annotations

import json
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.term import Node

from api.deps import run_query_file
from api.negotiation import DATASET_FORMATS, JSONLD
from ingest.store import QuadStore
from ingest.vocab import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


def jsonld_context() -> dict[str, Any]:
    """The published @context (/context.jsonld): the project's prefixes."""
    return {"@context": {prefix: str(ns) for prefix, ns in sorted(PREFIXES.items())}}


def _object(row: dict[str, str | None]) -> Node:
    value = row["o"] or ""
    if row["oiri"] == "true":
        return URIRef(value)
    if row["oblank"] == "true":
        return BNode(value)
    if row["lang"]:
        return Literal(value, lang=row["lang"])
    dt = row["dt"]
    return Literal(value, datatype=URIRef(dt) if dt and dt not in (XSD_STRING, LANG_STRING) else None)


def describe(store: QuadStore, iri: str) -> Dataset:
    """Everything about `iri` (see ld_describe.rq), each statement in its source graph."""
    ds = Dataset()
    for prefix, ns in PREFIXES.items():
        ds.bind(prefix, ns)
    for row in run_query_file(store, "ld_describe.rq", {"iri": ox.NamedNode(iri)}):
        s = BNode(row["s"]) if row["sblank"] == "true" else URIRef(row["s"] or "")
        ds.graph(URIRef(row["g"] or "")).add((s, URIRef(row["p"] or ""), _object(row)))
    return ds


def merged(ds: Dataset) -> Graph:
    g = Graph()
    for prefix, ns in PREFIXES.items():
        g.bind(prefix, ns)
    for s, p, o, _ in ds.quads((None, None, None, None)):
        g.add((s, p, o))
    return g


def serialise(ds: Dataset, media_type: str, serializer: str, context_url: str) -> bytes:
    """Bytes in the chosen syntax; JSON-LD is compacted with the published context and points
    to it by URL rather than inlining it."""
    if media_type in DATASET_FORMATS:
        return ds.serialize(format=serializer, encoding="utf-8")
    graph = merged(ds)
    if media_type == JSONLD:
        text = graph.serialize(format="json-ld", context=jsonld_context()["@context"], auto_compact=True)
        doc = json.loads(text)
        doc["@context"] = context_url
        return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
    return graph.serialize(format=serializer, encoding="utf-8")


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
