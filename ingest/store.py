"""The one interface to the quad store. Build, export and the API all go through it, so a
second backend (a remote SPARQL 1.1 store) only has to implement this class's methods.

The embedded backend is pyoxigraph's on-disk store. A document's graph is replaced in one
SPARQL update (DROP + INSERT DATA), which oxigraph applies as one transaction: a failure
leaves the previous version of the graph intact, never half of the new one.
"""

from __future__ import annotations

import fcntl
import os
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


# Paths this process holds open read-write: a read-only open of one of them in the same process
# (a test, or `serve` building first) is allowed; another process is kept out by the lock.
_WRITING_HERE: set[Path] = set()


class StoreLock:
    """An advisory lock file beside the store (`<store>.lock`): writers hold it exclusively,
    readers (a running server and its query workers) shared. pyoxigraph's own lock only keeps
    two writers apart; a read-only view of a store another process writes is undefined, so
    this lock turns that case into a clear StoreError instead."""

    def __init__(self, path: Path, *, shared: bool) -> None:
        self.path = path.with_name(path.name + ".lock")
        self.fd: int | None = None
        resolved = path.resolve()
        if shared and resolved in _WRITING_HERE:
            return
        if not shared:
            path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except PermissionError:
            if shared:  # a read-only location: nobody can write there either
                return
            raise StoreError(f"{path}: cannot create the lock file {self.path}") from None
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            doing = "writing" if shared else "reading or writing"
            raise StoreError(
                f"{path}: the store is in use by another process {doing} it (a running `casegraph serve`, "
                "`build` or `load`); stop it or use another --store"
            ) from None
        self.fd = fd
        if not shared:
            self._writing = resolved
            _WRITING_HERE.add(resolved)

    def release(self) -> None:
        if self.fd is not None:
            _WRITING_HERE.discard(getattr(self, "_writing", None))  # type: ignore[arg-type]
            os.close(self.fd)
            self.fd = None

    def __del__(self) -> None:
        self.release()


def term_value(term: Any) -> str | None:
    return None if term is None else str(term.value)


class QuadStore:
    """A small facade over a pyoxigraph store: replace graphs, query, dump."""

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False, memory: bool = False) -> None:
        self.path = None if memory else Path(path or DEFAULT_STORE)
        self.lock: StoreLock | None = None
        if self.path is not None:
            if read_only and not self.path.exists():
                raise StoreError(f"{self.path}: no store here (build one with `casegraph build --store {self.path}`)")
            self.lock = StoreLock(self.path, shared=read_only)
        try:
            self.store = ox.Store() if memory else open_store(self.path, read_only=read_only)
        except BaseException:
            if self.lock:
                self.lock.release()
            raise

    def close(self) -> None:
        """Release the store now (pyoxigraph closes it when the last reference goes) and its lock."""
        self.__dict__.pop("store", None)
        if self.lock:
            self.lock.release()
            self.lock = None

    # writing ------------------------------------------------------------------------------
    def replace_graph(self, graph: Graph) -> int:
        """Atomically replace the named graph `graph.identifier` with `graph`'s triples."""
        body = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        self.replace_graph_ntriples(str(graph.identifier), body)
        return len(graph)

    def replace_graph_ntriples(self, name: str, body: str) -> None:
        """The same, from N-Triples text (what build workers send, so the parent never re-parses)."""
        self.store.update(f"DROP SILENT GRAPH <{name}> ;\nINSERT DATA {{ GRAPH <{name}> {{\n{body}\n}} }}")

    def drop_graph(self, name: str) -> None:
        self.store.update(f"DROP SILENT GRAPH <{name}>")

    def load_file(self, path: Path, fmt: ox.RdfFormat) -> None:
        with path.open("rb") as f:
            self.store.load(f, format=fmt)

    def bulk_load_file(self, path: Path, fmt: ox.RdfFormat) -> None:
        """Load a big file fast (pyoxigraph's bulk loader). Not one transaction: a syntax error
        part-way leaves the quads before it, so callers check the file first (`casegraph load` does)."""
        self.store.bulk_load(path=str(path), format=fmt)

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
