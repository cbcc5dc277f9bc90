"""Fusion: one story per case across sources, with every disagreement kept as data.

`rebuild_fused_graph(store)` reads what the document graphs state (SPARQL), computes the
canonical events, conflicts and proceedings in Python under the rules in
ingest/data/fusion_rules.yaml, and replaces the fused named graph (FUSED_GRAPH) in one
transaction. It is called after every build; running it twice gives the same graph.

Modules: rules (the rules file), values (comparing and choosing values), claims (reading the
store), cluster (which claims are one act), fuse (canonical events, conflicts, proceedings),
graph (the fused graph's triples).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import Graph, URIRef

from ingest.fusion.claims import EntityView, read_claims, read_entities, read_quotes, read_same_as
from ingest.fusion.fuse import Fusion, fuse
from ingest.fusion.graph import FUSED_GRAPH, fused_graph
from ingest.fusion.published import fullest_names, published_iris
from ingest.fusion.rules import Rules, default_rules
from ingest.store import Format, Store

__all__ = ["FUSED_GRAPH", "FusionSummary", "compute_fusion", "rebuild_fused_graph"]


@dataclass(frozen=True)
class FusionSummary:
    claims: int
    events: int
    conflicts: int
    proceedings: int
    triples: int

    def __str__(self) -> str:
        return (
            f"fused {self.claims} event claims into {self.events} events, "
            f"{self.conflicts} conflicts, {self.proceedings} proceedings"
        )


@dataclass(frozen=True)
class FusionInput:
    """What the fused graph is made of: the fused story, each entity's title (its fullest
    name) and the readable IRIs people are published under (ingest.fusion.published)."""

    fusion: Fusion
    names: dict[str, str]
    published: dict[str, str] = field(default_factory=dict)


def entity_names(views: list[EntityView]) -> dict[str, str]:
    """The fullest name the documents give each entity (the one its readable IRI comes from)."""
    return fullest_names(views)


def read_fusion(store: Store, rules: Rules | None = None) -> FusionInput:
    """The claims and entities `store` shows, fused. A store that is not a view is read as the
    public sees it (ingest.store.view): what is fused from it may be published, and reading
    it raw would also range over the store's own graphs (its public union repeats every
    public document)."""
    from ingest.store.view import public_view

    store = public_view(store)
    rules = rules or default_rules()
    same_as = read_same_as(store)
    quotes = read_quotes(store)
    claims = read_claims(store, rules, same_as, quotes)
    views = read_entities(store, rules, same_as, quotes)
    return FusionInput(fuse(claims, views, rules), entity_names(views), published_iris(views))


def compute_fusion(store: Store, rules: Rules | None = None) -> tuple[Fusion, dict[str, str]]:
    made = read_fusion(store, rules)
    return made.fusion, made.names


def rebuild_fused_graph(store: Store, rules: Rules | None = None, *, into: str | None = None) -> FusionSummary:
    """Fuse what `store` shows (a public view: the public documents only) into the graph `into`
    (default FUSED_GRAPH). A graph that comes out as it was stored is not written again, so its
    time, and the ETags that follow it, move only when the fused story changes."""
    rules = rules or default_rules()
    made = read_fusion(store, rules)
    fusion = made.fusion
    graph = fused_graph(fusion, made.names, rules, made.published)
    if into is not None and into != str(FUSED_GRAPH):
        renamed = Graph(identifier=URIRef(into))
        for prefix, ns in graph.namespaces():
            renamed.bind(prefix, ns)
        for triple in graph:
            renamed.add(triple)
        graph = renamed
    triples = len(graph) if _unchanged(store, graph) else store.replace_graph(graph)
    store.flush()
    return FusionSummary(
        claims=fusion.claims,
        events=len(fusion.events),
        conflicts=len(fusion.conflicts),
        proceedings=len(fusion.proceedings),
        triples=triples,
    )


def _unchanged(store: Store, graph: Graph) -> bool:
    """Whether the store already holds exactly `graph`: compared as N-Triples lines, the new
    graph first put through a store in memory, which writes literals as stores keep them
    (Oxigraph stores an xsd:nonNegativeInteger as an xsd:integer)."""
    from ingest.store import memory_store

    name = str(graph.identifier)
    try:
        stored = b"".join(store.export(Format.NTRIPLES, [name])).decode("utf-8")
    except Exception:  # a store that cannot say: write
        return False
    scratch = memory_store()
    try:
        scratch.replace_graph(graph)
        new = b"".join(scratch.export(Format.NTRIPLES, [name])).decode("utf-8")
    finally:
        scratch.close()
    lines = {line.strip() for line in stored.splitlines() if line.strip()}
    return bool(lines) and lines == {line.strip() for line in new.splitlines() if line.strip()}
