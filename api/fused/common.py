"""Bindings for the fused-view queries: the fused graph, and every filter variable bound
(<urn:casegraph:any> for "no filter", as api/queries/events.rq does)."""

from __future__ import annotations

from typing import Any

from ingest.ids import fused_graph_iri
from ingest.store.terms import IRI

ANY = IRI("urn:casegraph:any")


def fused_bindings(**filters: str | IRI | None) -> dict[str, Any]:
    """{"fused": the fused graph, name: IRI or ANY for each filter}."""
    out: dict[str, Any] = {"fused": IRI(str(fused_graph_iri()))}
    for name, value in filters.items():
        out[name] = ANY if value is None else value if isinstance(value, IRI) else IRI(value)
    return out
