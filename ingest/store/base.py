"""The store protocol: what build, export and the API may ask of wherever the graph lives.

A backend (ingest.store.embedded: a pyoxigraph directory; others: a SPARQL 1.1 server) implements
`Store`; callers get one from `ingest.store.connect(location)` and never see the engine. Values
cross this seam as the project's own terms (ingest.store.terms) and syntaxes (ingest.store.rdf):
bindings go in as terms, SELECT rows come back as plain strings, statements as `Quad`s.

The public SPARQL endpoint is a separate service of a backend (`PublicQueries`), because it runs
untrusted query text under a deadline: the embedded backend kills a worker process at the
deadline, a server backend sets a client timeout and the server's own limit.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NotRequired, Protocol, TypedDict, runtime_checkable

from rdflib import Graph

from ingest.store.rdf import Format
from ingest.store.terms import Quad, Term, Triple

Row = dict[str, str | None]


# Graphs a store keeps for itself: when each graph was written on a server, the changes log of
# ingest.changes, the public union (ingest.publication: one copy of the public documents'
# statements, the public side's default graph, rebuilt with the data) and the closed texts (one
# copy of the texts the public may not read, ingest.texts, in a token holder's default graph
# beside the public union, so it never lists a text graph per document). None of them is a
# statement of the dataset, so graph lists, counts and exports leave them out (a reader ranging
# over the listed graphs never counts a document twice) and their owners read them by name.
# Other internal graphs (urn:x-casegraph:store:..., ingest.publication's registry and the full
# fused view) are listed and left to the views that hide them.
INTERNAL_PREFIX = "urn:x-casegraph:store:"
PUBLIC_UNION_GRAPH = INTERNAL_PREFIX + "public-union"
CLOSED_TEXTS_GRAPH = INTERNAL_PREFIX + "closed-texts"
STORE_OWN_GRAPHS = frozenset(
    {INTERNAL_PREFIX + "graph-times", INTERNAL_PREFIX + "changes", PUBLIC_UNION_GRAPH, CLOSED_TEXTS_GRAPH}
)


def is_store_own_graph(graph: str) -> bool:
    return graph in STORE_OWN_GRAPHS


def parse_time(value: str | None) -> datetime | None:
    """An xsd:dateTime as a store writes it (UTC when it names no zone); None when absent or
    unreadable."""
    if not value:
        return None
    try:
        stamp = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)


class StoreError(Exception):
    """The store cannot be opened or used; the message says why and what to do."""


@dataclass(frozen=True)
class Dataset:
    """The graphs a query may read, in place of the whole store (a view that hides some graphs,
    ingest.store.view): the default graph is the union of `default` (plus the store's own
    default graph when `store_default`), and GRAPH ranges over `named` alone."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()
    store_default: bool = False
    # Every graph of the store that is not in `named`, when the one who made the dataset knows
    # them all (a view: ingest.store.view). A backend whose graphs cannot change while it
    # answers (a read-only embedded store) may then range GRAPH over all of its graphs but
    # these (ingest.store.sparql_text.exclude_graphs) instead of over `named` listed one by one,
    # which costs its engine a look-up per listed graph for every pattern. None: not known.
    hidden: tuple[str, ...] | None = None


@dataclass(frozen=True)
class GraphInfo:
    name: str
    modified: datetime | None  # when the graph was last written (None: not known)


# The public SPARQL job ----------------------------------------------------------------------------
class Job(TypedDict):
    query: str
    accept: str | None
    media_type: str | None  # a `format=` override, already resolved to a media type
    default_graphs: list[str] | None  # default-graph-uri values (None: the union of all graphs)
    named_graphs: list[str] | None  # named-graph-uri values
    row_cap: int
    byte_cap: int  # the serialised body stays under this many bytes (rows past it are cut)
    max_depth: int  # bracket nesting; the parse tree's depth limit follows from it
    base_iri: str | None  # relative IRIs in the query resolve against the endpoint's URL
    # The only graphs the query may see (a view's, ingest.store.view); absent or None: every
    # graph. A dataset the request or the query names is cut to these, and a graph outside
    # them is answered exactly as a graph the store does not hold (ingest.store.public.dataset).
    visible_graphs: NotRequired[list[str] | None]
    # With them: True when the store's own union default graph shows nothing outside them, so a
    # query that names no dataset may read it (fast) instead of the graphs listed by name.
    union_ok: NotRequired[bool]
    # ...else the graphs whose union is the default graph of a query that names no dataset (a
    # view's one-graph public union and the fused view, ingest.store.view); absent: the visible ones.
    visible_default: NotRequired[list[str] | None]
    # Names the two lists above (ingest.store.view.Visible.key): the same key, the same lists.
    # A service whose workers keep them between jobs sends them to each worker once per key
    # (a store's graph list is thousands of names; a simple query, a few hundred bytes).
    graphs_key: NotRequired[str]


class Outcome(TypedDict):
    status: int
    media_type: str
    body: bytes
    truncated: bool
    rows: int
    # The query gives the same answer each time over the same data (no NOW(), RAND(), UUID(),
    # STRUUID(), BNODE()): the server may keep the answer for the same store version.
    repeatable: NotRequired[bool]


@dataclass(frozen=True)
class QueryOptions:
    """How the public query service runs: workers (or concurrent requests), the sandbox mode of
    a local engine, and each client's share."""

    workers: int = 2
    sandbox: str = "required"
    per_client: int | None = None
    waiting_per_client: int = 4


class QueryTimeout(Exception):
    """The query ran past the deadline (and was stopped)."""


class PoolBusy(Exception):
    """No query slot became free before the deadline."""


class WorkerCrashed(Exception):
    """What evaluated the query died while doing it (it has been replaced)."""


class PublicQueries(Protocol):
    """Runs public SPARQL jobs, each within a deadline. ClientBusy (ingest.store.fairness) when
    a client has its share running and waiting already."""

    async def run(self, job: Job, timeout: float, client: str = "") -> Outcome: ...

    def health(self) -> dict[str, int]:
        """Counts for /health: alive, busy, waiting, killed_at_deadline."""
        ...

    def close(self) -> None: ...


# The store ---------------------------------------------------------------------------------------
@runtime_checkable
class Store(Protocol):
    location: str  # a directory, or a server's URL: what `--store` was given
    path: Path | None  # the directory of a local store (files beside it live there), else None
    # "oxigraph" where the engine takes Oxigraph's extensions (LATERAL), else "sparql11": the
    # API then runs the plain SPARQL 1.1 variant of a query that has one (api.deps.load_query).
    dialect: str

    # reading
    def select(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
        dataset: Dataset | None = None,
    ) -> list[Row]:
        """Run a SELECT; rows of plain strings (None for unbound). `bindings` (name -> Term) are
        substituted as RDF terms, never pasted into the text. `union`: the default graph is the
        union of all graphs (else the store's default graph alone). `dataset`: read only those
        graphs (then `union` is not used); the query's own FROM clauses are replaced."""
        ...

    def select_terms(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
        dataset: Dataset | None = None,
    ) -> Iterator[dict[str, Term | None]]:
        """The same, with each value as a term."""
        ...

    def statements(
        self, query: str, bindings: Mapping[str, Any] | None = None, *, dataset: Dataset | None = None
    ) -> Iterator[Quad]:
        """A SELECT whose rows bind ?s ?p ?o and ?g (unbound: the default graph), as quads: a
        description keeps each statement's graph, which CONSTRUCT cannot."""
        ...

    def construct(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
        dataset: Dataset | None = None,
    ) -> Iterator[Triple]: ...

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        """Every statement (graph None), or those of the named graph `graph`."""
        ...

    def export(
        self, fmt: Format, graphs: list[str] | None = None, prefixes: Mapping[str, str] | None = None
    ) -> Iterator[bytes]:
        """The store (default graph first, then each named graph) or only `graphs`, written in
        `fmt` in chunks, never held whole. Chunks concatenate to one valid document."""
        ...

    def named_graphs(self) -> list[str]:
        """The named graphs (the store's logs, STORE_OWN_GRAPHS, left out)."""
        ...

    def graphs(self) -> list[GraphInfo]:
        """The named graphs (the store's logs left out) with when each was last written."""
        ...

    def last_modified(self) -> datetime | None:
        """When anything in the store was last written."""
        ...

    def __len__(self) -> int:
        """Statements in the store (the store's logs left out)."""
        ...

    # writing
    def replace_graph(self, graph: Graph) -> int:
        """Atomically replace the named graph `graph.identifier` with `graph`'s triples: a reader
        sees the old graph or the new one, never half of it."""
        ...

    def replace_graph_ntriples(self, name: str, body: str) -> None:
        """The same, from N-Triples text."""
        ...

    def replace_graphs(self, graphs: Mapping[str, str]) -> None:
        """Replace several named graphs together (name -> N-Triples text; an empty text drops
        the graph), in one transaction where the backend has one: a reader sees all of them
        old or all of them new (a document's graph and its text graph, ingest.texts). Virtuoso
        takes one request per graph, in the order given (ingest.store.remote)."""
        ...

    def append_ntriples(self, name: str, body: str) -> None:
        """Add the N-Triples `body` to the named graph `name` in one transaction, keeping what
        it holds (the append-only logs, ingest.changes)."""
        ...

    def drop_graph(self, name: str) -> None: ...

    def update(self, request: str, touched: Sequence[str] = ()) -> None:
        """Apply a SPARQL 1.1 Update in one transaction; the graphs `touched` count as written
        now (Store.graphs, last_modified). For the store's own bookkeeping (the publication
        registry, ingest.publication), never for text from outside."""
        ...

    def load_file(self, path: Path, fmt: Format) -> None:
        """Load a file in one transaction."""
        ...

    def bulk_load_file(self, path: Path, fmt: Format) -> None:
        """Load a big file fast; not one transaction (callers check the syntax first)."""
        ...

    def flush(self) -> None: ...

    def backup(self, target: Path) -> None:
        """A consistent snapshot of the whole store into the new directory `target`, usable as a
        store of this backend; StoreError where the backend has none (a server: use its own)."""
        ...

    # the public endpoint and lifetime
    def public_queries(self, options: QueryOptions) -> PublicQueries: ...

    def close(self) -> None: ...
