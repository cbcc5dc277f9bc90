"""A named graph as a resource (/id/graph/<doc>, or a document's text, /id/graph/<doc>/text):
the document it holds, its size and where its statements can be had (the same IRI in TriG,
N-Quads, Turtle or N-Triples)."""

from __future__ import annotations

from typing import Any

from api.cache import per_store
from api.curated.common import Ctx, NotFound
from ingest import texts
from ingest.ids import fused_graph_iri
from ingest.store.terms import IRI

# ?format= name -> what the link says, for the graph's own statements.
DUMP_FORMATS = {"trig": "TriG", "nq": "N-Quads", "ttl": "Turtle", "nt": "N-Triples"}


def is_graph(ctx: Ctx, iri: str) -> bool:
    """Whether the store holds a named graph `iri` (kept per store: the store is read-only)."""
    names = per_store(ctx.store, "graph_names", lambda: frozenset(ctx.store.named_graphs()))
    return iri in names


def graph_detail(ctx: Ctx, iri: str) -> dict[str, Any]:
    rows = ctx.run("graph.rq", {"g": IRI(iri)})
    if not rows:
        raise NotFound(f"no graph {iri}")
    r = rows[0]
    href = ctx.href(iri) or iri
    is_fused = iri == str(fused_graph_iri())
    is_text = texts.is_text_graph(iri)
    if is_text:  # a document's text (ingest.texts): its document is named in the graph beside it
        described = ctx.run("graph.rq", {"g": IRI(texts.document_graph(iri))})
        r = {**r, **{k: described[0][k] for k in ("doc", "file", "title")}} if described else r
    label = "the fused view" if is_fused else f"{'text' if is_text else 'graph'} of {r['file']}" if r["file"] else None
    return {
        **ctx.ref(iri, label),
        "kind": "fused view" if is_fused else "document text" if is_text else "document graph" if r["doc"] else "graph",
        "triples": int(r["triples"] or 0),
        "document": ctx.ref(r["doc"], r["title"] or r["file"]) if r["doc"] else None,
        "file": r["file"],
        "dumps": [
            {"format": name, "media": title, "href": f"{href}?format={name}"} for name, title in DUMP_FORMATS.items()
        ],
        "whole_graph_dumps": ["/dumps/casegraph.trig", "/dumps/casegraph.nq"],
    }
