"""Labels for any batch of minted IRIs (the query page shows them beside the IRIs of results)."""

from __future__ import annotations

from api.curated.common import Ctx, best_label
from api.curated.documents import document_labels
from ingest.store.terms import IRI


def resource_labels(ctx: Ctx, iris: list[str]) -> dict[str, str]:
    """IRI -> label for the IRIs minted under the served base that the graph names; documents
    by their "Publisher, date: title" label, others by their fullest label."""
    wanted: list[str] = []
    for iri in dict.fromkeys(iris):
        if isinstance(iri, str) and ctx.key(iri) is not None:
            try:
                IRI(iri)
            except ValueError:
                continue
            wanted.append(iri)
    documents = document_labels(ctx)
    out = {iri: documents[iri] for iri in wanted if iri in documents}
    found: dict[str, list[str]] = {}
    rest = [iri for iri in wanted if iri not in out]
    for r in ctx.run_for_each("labels.rq", "iri", rest) if rest else []:
        found.setdefault(r["iri"] or "", []).append(r["label"] or "")
    out.update({iri: best_label(sorted(set(names))) for iri, names in found.items() if iri})
    return out
