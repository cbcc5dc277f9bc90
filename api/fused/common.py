"""Bindings for the fused-view queries: the fused graph, and every filter variable bound
(<urn:casegraph:any> for "no filter", as api/queries/events.rq does)."""

from __future__ import annotations

from typing import Any

import pyoxigraph as ox

from ingest.ids import fused_graph_iri

ANY = ox.NamedNode("urn:casegraph:any")


def fused_bindings(**filters: str | ox.NamedNode | None) -> dict[str, Any]:
    """{"fused": the fused graph, name: IRI or ANY for each filter}."""
    out: dict[str, Any] = {"fused": ox.NamedNode(str(fused_graph_iri()))}
    for name, value in filters.items():
        out[name] = ANY if value is None else value if isinstance(value, ox.NamedNode) else ox.NamedNode(value)
    return out
