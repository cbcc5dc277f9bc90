"""A view of a store that reads only the graphs its audience may see (ingest.publication).

`StoreView(store)` is the public side: every read (SELECT, CONSTRUCT, statements, quads,
exports, graph lists, counts, last-modified time) sees the graphs that are not hidden
(ingest.publication.hidden_graphs: withheld documents' graphs, and the text graphs whose text
is not public, ingest.texts), the public fused graph and the store's own default graph, never
a hidden graph nor an internal `urn:x-casegraph:store:*` graph. `StoreView(store, full=True)`
is what a `read-withheld` token sees: every document graph and every text graph, and the fused view over all of
them (FULL_FUSED_GRAPH) in place of the public one: the API's fused queries, which name the
fused graph as `?fused`, are given the full one, and the default graph holds it instead of
the public one.

A read runs with the dataset cut to the visible graphs (Store `dataset`: pyoxigraph's
default_graph/named_graphs, a server's default-graph-uri/named-graph-uri). When the store
holds nothing this view hides (no registry, nothing withheld, an embedded store), reads take
the store's own union path as before. Public SPARQL jobs carry the visible graphs
(Job.visible_graphs, ingest.store.public.dataset), so a query naming a withheld graph is
answered exactly as one naming a graph the store does not hold.

Writes go to the store underneath unchanged (the build fuses through a view).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from rdflib import Graph

from ingest import publication, texts
from ingest.store.base import STORE_OWN_GRAPHS, Dataset, GraphInfo, PublicQueries, QueryOptions, Row, Store
from ingest.store.rdf import Format, serialize
from ingest.store.terms import IRI, Quad, Term, Triple

_DEFAULT_GRAPH_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
_DEFAULT_SIZE = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _fused_graph() -> str:
    from ingest.ids import fused_graph_iri

    return str(fused_graph_iri())


# Past this many graphs to leave out, listing the shown ones is the cheaper read (a filter
# compares each solution with every graph left out).
MAX_OUTSIDE = 64
_KEYS = itertools.count(1)


def _outside(every: set[str], shown: Sequence[str]) -> tuple[str, ...] | None:
    """The graphs of `every` not in `shown`; None when they are more than MAX_OUTSIDE."""
    rest = every.difference(shown)
    return tuple(sorted(rest)) if len(rest) <= MAX_OUTSIDE else None


@dataclass(frozen=True)
class Visible:
    named: tuple[str, ...]  # the graphs GRAPH ranges over (sorted)
    default: tuple[str, ...]  # the graphs whose union is the default graph
    hidden: bool  # the store holds graphs this view must not show: reads need the dataset
    fused: str | None  # the graph the API's ?fused names, when not the public fused graph
    # Every graph of the store outside `named` (Dataset.hidden); None when they are too many
    # for that to be the cheaper way to read (a store withholding most of its documents).
    outside: tuple[str, ...] | None = None
    # Names these lists for as long as they stay the same (Job.graphs_key): unique in the
    # process, a new one whenever a look-up finds them changed.
    key: str = field(default="", compare=False)


class StoreView:
    """The `Store` protocol over `store`, showing the graphs one audience may see. `poll`:
    seconds the visible graphs are kept before they are looked up again (a server: the store
    changes rarely and a look-up per query would double the work; a build: 0, always fresh)."""

    def __init__(self, store: Store, *, full: bool = False, poll: float = 0.0) -> None:
        self.store = store
        self.full = full
        self.poll = poll
        self.location = store.location
        self.path: Path | None = store.path
        self.dialect = store.dialect
        self._seen: tuple[float, int, Visible] | None = None

    def __repr__(self) -> str:
        return f"StoreView({self.location!r}, {'full' if self.full else 'public'})"

    # what this view shows --------------------------------------------------------------------
    def visible(self) -> Visible:
        found = self.visible_if_fresh()
        if found is not None:
            return found
        seen, count = self._seen, publication.generation()
        found = self._look_up()
        # the same graphs keep their key; changed ones get a new one
        found = seen[2] if seen is not None and seen[2] == found else replace(found, key=str(next(_KEYS)))
        self._seen = (time.monotonic(), count, found)
        return found

    def visible_if_fresh(self) -> Visible | None:
        """The visible graphs when they need no look-up now (within `poll`), else None: for
        callers that must not block on the store (the event loop)."""
        seen = self._seen
        if seen is not None and time.monotonic() - seen[0] < self.poll and seen[1] == publication.generation():
            return seen[2]
        return None

    def refresh(self) -> None:
        """Forget the visible graphs (the next read looks them up)."""
        self._seen = None

    def _look_up(self) -> Visible:
        every = self.store.named_graphs()
        present = set(every)
        if not self.full:  # a store that keeps texts in its document graphs would publish them
            texts.check_layout(self.store)
        hidden = publication.hidden_graphs(self.store, present)
        documents = [g for g in every if not publication.is_internal(g)]
        shown = sorted(g for g in documents if self.full or g not in hidden)
        own = self._own_graphs()
        if len(shown) == len(every) and not own:  # nothing to hide: the store's own union
            return Visible(tuple(shown), tuple(shown), False, None)
        fused = _fused_graph()
        union = publication.PUBLIC_UNION in own
        if not self.full:
            default = (publication.PUBLIC_UNION, *([fused] if fused in present else [])) if union else tuple(shown)
            return Visible(tuple(shown), default, True, None, _outside(present | STORE_OWN_GRAPHS, shown))
        full_fused = publication.FULL_FUSED_GRAPH if publication.FULL_FUSED_GRAPH in present else None
        named = sorted([g for g in shown if g != fused or full_fused is None] + ([full_fused] if full_fused else []))
        if union:
            # the public union, what it leaves out (withheld documents by name, the closed texts
            # as their one copy, else by name) and the full fused view
            texts_copy = publication.CLOSED_TEXTS in own
            extra = sorted(g for g in hidden if g in present and not (texts_copy and texts.is_text_graph(g)))
            copy = (publication.CLOSED_TEXTS,) if texts_copy else ()
            default = (publication.PUBLIC_UNION, *copy, *extra, full_fused or fused)
        else:
            default = tuple(named)
        return Visible(tuple(named), default, True, full_fused, _outside(present | STORE_OWN_GRAPHS, named))

    def _own_graphs(self) -> set[str]:
        """The store's own graphs (STORE_OWN_GRAPHS: its logs, the public union) that hold
        statements. Its graph list leaves them out and its union default graph shows them."""
        return {
            g
            for g in sorted(STORE_OWN_GRAPHS)
            if self.store.select(f"SELECT ?s WHERE {{ GRAPH <{g}> {{ ?s ?p ?o }} }} LIMIT 1", union=False)
        }

    def shows(self, graph: str) -> bool:
        return graph in self.visible().named

    def _dataset(self, seen: Visible, union: bool, asked: Dataset | None) -> Dataset:
        if asked is not None:
            allowed = set(seen.named)
            return Dataset(
                tuple(g for g in asked.default if g in allowed),
                tuple(g for g in asked.named if g in allowed),
                asked.store_default,
            )
        return Dataset(seen.default if union else (), seen.named, store_default=True, hidden=seen.outside)

    def _bindings(self, bindings: Mapping[str, Any] | None, seen: Visible) -> Mapping[str, Any] | None:
        if not bindings or seen.fused is None:
            return bindings
        public_fused = IRI(_fused_graph())
        fused = IRI(seen.fused)
        return {k: fused if v == public_fused else v for k, v in bindings.items()}

    # reading -------------------------------------------------------------------------------
    def select(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
        dataset: Dataset | None = None,
    ) -> list[Row]:
        seen = self.visible()
        terms = self._bindings(bindings, seen)
        if not seen.hidden and dataset is None:
            return self.store.select(query, terms, union=union)
        return self.store.select(query, terms, dataset=self._dataset(seen, union, dataset))

    def select_terms(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
        dataset: Dataset | None = None,
    ) -> Iterator[dict[str, Term | None]]:
        seen = self.visible()
        terms = self._bindings(bindings, seen)
        if not seen.hidden and dataset is None:
            return self.store.select_terms(query, terms, union=union)
        return self.store.select_terms(query, terms, dataset=self._dataset(seen, union, dataset))

    def statements(
        self, query: str, bindings: Mapping[str, Any] | None = None, *, dataset: Dataset | None = None
    ) -> Iterator[Quad]:
        seen = self.visible()
        terms = self._bindings(bindings, seen)
        if not seen.hidden and dataset is None:
            return self.store.statements(query, terms)
        return self.store.statements(query, terms, dataset=self._dataset(seen, True, dataset))

    def construct(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
        dataset: Dataset | None = None,
    ) -> Iterator[Triple]:
        seen = self.visible()
        terms = self._bindings(bindings, seen)
        if not seen.hidden and dataset is None:
            return self.store.construct(query, terms, union=union)
        return self.store.construct(query, terms, dataset=self._dataset(seen, union, dataset))

    def _default_graph(self) -> list[Quad]:
        """The store's own default graph (what `casegraph load` of a triple file adds)."""
        rows = self.store.select_terms(_DEFAULT_GRAPH_TRIPLES, dataset=Dataset(store_default=True))
        return [Quad(r["s"], r["p"], r["o"], None) for r in rows]  # type: ignore[arg-type]

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        if graph is not None:
            return self.store.quads(graph) if self.shows(graph) else iter(())
        return self._all_quads()

    def _all_quads(self) -> Iterator[Quad]:
        yield from self._default_graph()
        for name in self.visible().named:
            yield from self.store.quads(name)

    def export(
        self, fmt: Format, graphs: list[str] | None = None, prefixes: Mapping[str, str] | None = None
    ) -> Iterator[bytes]:
        seen = self.visible()
        if graphs is not None:
            return self.store.export(fmt, [g for g in graphs if g in set(seen.named)], prefixes)
        if not seen.hidden:
            return self.store.export(fmt, None, prefixes)
        return self._export_all(fmt, list(seen.named), prefixes)

    def _export_all(self, fmt: Format, names: list[str], prefixes: Mapping[str, str] | None) -> Iterator[bytes]:
        default = self._default_graph()
        if not default:
            yield from self.store.export(fmt, names, prefixes)
            return
        if fmt in (Format.JSONLD, Format.RDFXML):  # one document: written whole
            statements: list[Any] = default + [q for name in names for q in self.store.quads(name)]
            if not fmt.supports_datasets:
                statements = [q.triple for q in statements]
            yield serialize(statements, fmt, prefixes)
            return
        first: list[Any] = default if fmt.supports_datasets else [q.triple for q in default]
        yield serialize(first, fmt, prefixes)
        yield b"\n"
        yield from self.store.export(fmt, names, None)

    def named_graphs(self) -> list[str]:
        return list(self.visible().named)

    def graphs(self) -> list[GraphInfo]:
        shown = set(self.visible().named)
        return [info for info in self.store.graphs() if info.name in shown]

    def last_modified(self) -> datetime | None:
        """The full view: the store's. The public one: its graphs' times and the last change of
        state that altered what the public sees, so building a withheld document (or a change
        of the internal graphs) moves nothing public."""
        if self.full:
            return self.store.last_modified()
        times = [info.modified for info in self.graphs()]
        times.append(publication.public_changed(self.store) if self._registered() else None)
        known = [t for t in times if t is not None]
        return max(known) if known else None

    def _registered(self) -> bool:
        return self.visible().hidden

    def __len__(self) -> int:
        seen = self.visible()
        if not seen.hidden:
            return len(self.store)
        sizes = self.store.select(_GRAPH_SIZES, dataset=Dataset((), seen.named))
        default = self.store.select(_DEFAULT_SIZE, dataset=Dataset(store_default=True))
        return sum(int(r["n"] or 0) for r in sizes) + sum(int(r["n"] or 0) for r in default)

    # writing goes to the store underneath ---------------------------------------------------
    def replace_graph(self, graph: Graph) -> int:
        return self.store.replace_graph(graph)

    def replace_graph_ntriples(self, name: str, body: str) -> None:
        self.store.replace_graph_ntriples(name, body)

    def replace_graphs(self, graphs: Mapping[str, str]) -> None:
        self.store.replace_graphs(graphs)

    def append_ntriples(self, name: str, body: str) -> None:
        self.store.append_ntriples(name, body)

    def drop_graph(self, name: str) -> None:
        self.store.drop_graph(name)

    def update(self, request: str, touched: Sequence[str] = ()) -> None:
        self.store.update(request, touched)

    def load_file(self, path: Path, fmt: Format) -> None:
        self.store.load_file(path, fmt)

    def bulk_load_file(self, path: Path, fmt: Format) -> None:
        self.store.bulk_load_file(path, fmt)

    def flush(self) -> None:
        self.store.flush()

    def backup(self, target: Path) -> None:
        self.store.backup(target)

    def public_queries(self, options: QueryOptions) -> PublicQueries:
        return self.store.public_queries(options)

    def close(self) -> None:
        """Nothing: the store underneath belongs to whoever opened it."""


def full_view(store: Store) -> Store:
    """`store` as its owner sees it: every document, withheld ones included, and none of the
    internal graphs (for the build's and the command line's own reading)."""
    return store if isinstance(store, StoreView) else StoreView(store, full=True)


def public_view(store: Store) -> Store:
    return store if isinstance(store, StoreView) and not store.full else StoreView(store)
