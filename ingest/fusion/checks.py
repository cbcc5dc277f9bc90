"""Validate the fused graph with shapes/fusion.ttl, including the warning for impossible
orders across sources (a release one document dates before the arrest another dates).

The fused graph alone does not hold the claims' own dates and sources, so they are added to
the data graph from the document graphs first (queries/fusion_check_data.rq).
"""

from __future__ import annotations

from functools import cache

from rdflib import Graph

from ingest.fusion.graph import FUSED_GRAPH
from ingest.queries import load
from ingest.store import Store
from ingest.store.rdf import Format, serialize
from ingest.store.terms import IRI
from ingest.validate import SHAPES_DIR, ValidationResult, validate_with

FUSION_SHAPES = SHAPES_DIR / "fusion.ttl"


@cache
def fusion_shapes() -> Graph:
    return Graph().parse(FUSION_SHAPES, format="turtle")


def fused_data_graph(store: Store) -> Graph:
    """The fused graph plus the dates and sources of the claims it derives from."""
    graph_triples = b"".join(store.export(Format.NTRIPLES, [str(FUSED_GRAPH)]))
    claim_triples = store.construct(load("fusion_check_data"), {"fused": IRI(str(FUSED_GRAPH))}, union=False)
    data = Graph()
    data.parse(data=graph_triples.decode("utf-8"), format="nt")
    data.parse(data=serialize(claim_triples, Format.NTRIPLES).decode("utf-8"), format="nt")
    return data


def validate_fused(store: Store) -> ValidationResult:
    """Violations mean a malformed fused graph (a bug); warnings are orders the sources make impossible."""
    return validate_with(fused_data_graph(store), fusion_shapes())
