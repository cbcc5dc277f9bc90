"""The one interface to the quad store. Build, export and the API all go through it, so a
second backend (a remote SPARQL 1.1 store) only has to implement this class's methods.

The embedded backend is pyoxigraph's on-disk store. A document's graph is replaced in one
SPARQL update (DROP + INSERT DATA), which oxigraph applies as one transaction: a failure
leaves the previous version of the graph intact, never half of the new one.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

DEFAULT_STORE = Path("data/build/store")


class StoreError(Exception):
    """The store cannot be opened or used; the message says why and what to do."""


def open_store(path: Path | str | None = None, *, read_only: bool = False) -> ox.Store:
    path = Path(path or DEFAULT_STORE)
    if read_only and not path.exists():
        raise StoreError(f"{path}: no store here (build one with `casegraph build --store {path}`)")
    try:
        if read_only:
            return ox.Store.read_only(str(path))
        path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path))
    except OSError as exc:
        message = str(exc)
        if "lock" in message.lower():
            raise StoreError(
                f"{path}: the store is in use by another process (a running `casegraph serve` or "
                "`build`); stop it or use another --store"
            ) from exc
        raise StoreError(f"{path}: cannot open the store: {message}") from exc


def term_value(term: Any) -> str | None:
    return None if term is None else str(term.value)


class QuadStore:
    """A small facade over a pyoxigraph store: replace graphs, query, dump."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False, memory: bool = False) -> None:
        self.path = None if memory else Path(path or DEFAULT_STORE)
        self.store = ox.Store() if memory else open_store(self.path, read_only=read_only)

    # writing ------------------------------------------------------------------------------
    def replace_graph(self, graph: Graph) -> int:
        """Atomically replace the named graph `graph.identifier` with `graph`'s triples."""
        name = graph.identifier
        body = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        self.store.update(f"DROP SILENT GRAPH <{name}> ;\nINSERT DATA {{ GRAPH <{name}> {{\n{body}\n}} }}")
        return len(graph)

    def drop_graph(self, name: str) -> None:
        self.store.update(f"DROP SILENT GRAPH <{name}>")

    def load_file(self, path: Path, fmt: ox.RdfFormat) -> None:
        with path.open("rb") as f:
            self.store.load(f, format=fmt)

    def flush(self) -> None:
        self.store.flush()

    # reading ------------------------------------------------------------------------------
    def select(
        self, query: str, bindings: Mapping[str, Any] | None = None, *, union: bool = True
    ) -> list[dict[str, str | None]]:
        """Run a SELECT and return rows of plain strings (None for unbound).
        `bindings` are substituted as RDF terms, never pasted into the query text."""
        substitutions = {ox.Variable(k): v for k, v in (bindings or {}).items()}
        result = self.store.query(query, use_default_graph_as_union=union, substitutions=substitutions or None)
        names = [v.value for v in result.variables]  # type: ignore[union-attr]
        return [{n: term_value(sol[n]) for n in names} for sol in result]  # type: ignore[union-attr]

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs())

    def __len__(self) -> int:
        return len(self.store)

    def quads(self) -> Iterator[ox.Quad]:
        return self.store.quads_for_pattern(None, None, None)

    def dump(self, out: Any, fmt: ox.RdfFormat) -> None:
        self.store.dump(out, format=fmt)
