"""Validate the fused graph with shapes/fusion.ttl, including the warning for impossible
orders across sources (a release one document dates before the arrest another dates).

The fused graph alone does not hold the claims' own dates and sources, so they are added to
the data graph from the document graphs first (queries/fusion_check_data.rq).
"""

from __future__ import annotations

from functools import cache

import pyoxigraph as ox
from rdflib import Graph

from ingest.fusion.graph import FUSED_GRAPH
from ingest.queries import load
from ingest.store import QuadStore
from ingest.validate import SHAPES_DIR, ValidationResult, validate_with

FUSION_SHAPES = SHAPES_DIR / "fusion.ttl"


@cache
def fusion_shapes() -> Graph:
    return Graph().parse(FUSION_SHAPES, format="turtle")


def fused_data_graph(store: QuadStore) -> Graph:
    """The fused graph plus the dates and sources of the claims it derives from."""
    fused = ox.NamedNode(str(FUSED_GRAPH))
    graph_triples = ox.serialize(
        (q.triple for q in store.store.quads_for_pattern(None, None, None, fused)), format=ox.RdfFormat.N_TRIPLES
    )
    claim_triples = store.store.query(
        load("fusion_check_data"), substitutions={ox.Variable("fused"): fused}, use_default_graph_as_union=False
    )
    data = Graph()
    data.parse(data=(graph_triples or b"").decode("utf-8"), format="nt")
    data.parse(data=(ox.serialize(claim_triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8"), format="nt")  # type: ignore[arg-type]
    return data


def validate_fused(store: QuadStore) -> ValidationResult:
    """Violations mean a malformed fused graph (a bug); warnings are orders the sources make impossible."""
    return validate_with(fused_data_graph(store), fusion_shapes())
