"""The embedded backend: a pyoxigraph store in a local directory.

A document's graph is replaced in one SPARQL update (DROP + INSERT DATA), which oxigraph applies
as one transaction: a failure leaves the previous version of the graph intact, never half of the
new one. A lock file beside the directory keeps one writer and its readers apart (StoreLock);
public queries run in killable worker processes (ingest.store.embedded.pool).

When each graph was last written is kept beside the store (`<store>.graphs.json`), because
oxigraph keeps no such time; a graph the file does not know dates from the store's data files.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Graph

from ingest.store import rdf
from ingest.store.base import Dataset, GraphInfo, PublicQueries, QueryOptions, Row, StoreError, is_store_own_graph
from ingest.store.rdf import Format
from ingest.store.sparql_text import exclude_graphs
from ingest.store.terms import IRI, Quad, Term, Triple

DEFAULT_STORE = Path("data/build/store")


def not_writable(path: Path, what: Path) -> StoreError:
    """The one line for a store this process may not write: what to do, for both commands."""
    return StoreError(
        f"{path}: the store is read-only here ({what}: permission denied); `build` and `load` need write "
        "access to the store directory and the files beside it, `serve` serves it read-only as it is"
    )


# Quads serialised per chunk of an export: big enough to keep the overhead low, small enough
# that a dump of millions of quads never sits in memory.
CHUNK = 20_000


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
        if isinstance(exc, PermissionError) or "permission denied" in message.lower():
            raise not_writable(path, path) from exc
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
        try:
            if not shared:
                path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except PermissionError:
            if shared:  # a read-only location: nobody can write there either
                return
            raise not_writable(path, self.path) from None
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


def _terms(bindings: Mapping[str, Any] | None) -> dict[Any, Any] | None:
    if not bindings:
        return None
    return {ox.Variable(k): rdf.to_ox(v) for k, v in bindings.items()}


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def files_modified(path: Path) -> datetime | None:
    """When the store directory was last written: its newest data file (RocksDB's *.sst; opening
    a store read-write rewrites its log and options files without changing the data)."""
    try:
        files = [p for p in path.iterdir() if p.is_file()]
        data = [p for p in files if p.suffix == ".sst"] or files
        newest = max(p.stat().st_mtime for p in data)
    except (OSError, ValueError):
        return None
    return datetime.fromtimestamp(newest, UTC).replace(microsecond=0)


class EmbeddedStore:
    """The `Store` protocol (ingest.store.base) over a pyoxigraph store."""

    dialect = "oxigraph"

    def __init__(self, path: Path | str | None = None, *, read_only: bool = False, memory: bool = False) -> None:
        self.path: Path | None = None if memory else Path(path or DEFAULT_STORE)
        self.location = "memory" if self.path is None else str(self.path)
        self.read_only = read_only
        self.lock: StoreLock | None = None
        self._modified: dict[str, str] = {}
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
        self._modified = self._read_times()

    def close(self) -> None:
        """Release the store now (pyoxigraph closes it when the last reference goes) and its lock."""
        self.__dict__.pop("store", None)
        if self.lock:
            self.lock.release()
            self.lock = None

    # graph times --------------------------------------------------------------------------
    def _times_path(self) -> Path | None:
        return None if self.path is None else self.path.with_name(self.path.name + ".graphs.json")

    def _read_times(self) -> dict[str, str]:
        where = self._times_path()
        try:
            data = json.loads(where.read_text(encoding="utf-8")) if where else {}
        except (OSError, ValueError):
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _touch(self, names: list[str]) -> None:
        stamp = _now().isoformat()
        for name in names:
            self._modified[name] = stamp
        where = self._times_path()
        if where is None:
            return
        tmp = where.with_name(where.name + ".tmp")
        tmp.write_text(json.dumps(self._modified, sort_keys=True), encoding="utf-8")
        tmp.replace(where)  # a reader sees the old file or the new one

    def _forget(self, name: str) -> None:
        self._modified.pop(name, None)
        self._touch([])

    # writing ------------------------------------------------------------------------------
    def replace_graph(self, graph: Graph) -> int:
        body = graph.serialize(format="nt", encoding="utf-8").decode("utf-8")
        self.replace_graph_ntriples(str(graph.identifier), body)
        return len(graph)

    def replace_graph_ntriples(self, name: str, body: str) -> None:
        self.store.update(f"DROP SILENT GRAPH <{name}> ;\nINSERT DATA {{ GRAPH <{name}> {{\n{body}\n}} }}")
        self._touch([name])

    def replace_graphs(self, graphs: Mapping[str, str]) -> None:
        """One update (oxigraph applies it as one transaction) for all of `graphs`."""
        parts: list[str] = []
        written: list[str] = []
        for name, body in graphs.items():
            iri = IRI(name)  # checked: nothing but an IRI reaches the update text
            parts.append(f"DROP SILENT GRAPH {iri}")
            if body.strip():
                parts.append(f"INSERT DATA {{ GRAPH {iri} {{\n{body}\n}} }}")
                written.append(name)
        if not parts:
            return
        self.store.update(" ;\n".join(parts))
        for name in graphs:
            if name not in written:
                self._modified.pop(name, None)
        self._touch(written)

    def append_ntriples(self, name: str, body: str) -> None:
        self.store.update(f"INSERT DATA {{ GRAPH <{name}> {{\n{body}\n}} }}")
        self._touch([name])

    def drop_graph(self, name: str) -> None:
        self.store.update(f"DROP SILENT GRAPH <{name}>")
        self._forget(name)

    def update(self, request: str, touched: Sequence[str] = ()) -> None:
        self.store.update(request)
        self._touch(list(touched))

    def _touch_all(self) -> None:
        # A loaded file may add to any graph: all count as changed (a time too new costs a
        # cache entry, a time too old would serve stale pages).
        self._touch(self.named_graphs())

    def load_file(self, path: Path, fmt: Format) -> None:
        with path.open("rb") as f:
            self.store.load(f, format=rdf.ox_format(fmt))
        self._touch_all()

    def bulk_load_file(self, path: Path, fmt: Format) -> None:
        """pyoxigraph's bulk loader. Not one transaction: a syntax error part-way leaves the
        quads before it, so callers check the file first (`casegraph load` does)."""
        self.store.bulk_load(path=str(path), format=rdf.ox_format(fmt))
        self._touch_all()

    def flush(self) -> None:
        self.store.flush()

    def backup(self, target: Path) -> None:
        """oxigraph's backup (a RocksDB checkpoint): the store as this handle sees it, in one
        snapshot, while others read it."""
        if self.path is None:
            raise StoreError("a store in memory has no backup")
        try:
            self.store.backup(str(target))
        except OSError as exc:
            raise StoreError(f"{target}: cannot write the backup: {exc}") from exc

    # reading ------------------------------------------------------------------------------
    def _solutions(
        self, query: str, bindings: Mapping[str, Any] | None, union: bool, dataset: Dataset | None = None
    ) -> Any:
        if dataset is None:
            return self.store.query(query, use_default_graph_as_union=union, substitutions=_terms(bindings))
        if dataset.hidden is not None and self.read_only:
            # Opened read-only, the store cannot gain a graph while it is read: every graph but
            # the hidden ones is exactly the dataset's named graphs, and cheaper to read that way.
            try:
                narrowed = _excluding(query, dataset.hidden)
            except ValueError:
                pass  # a query the rewrite cannot vouch for: the graphs listed, as always
            else:
                default = _ox_default(dataset)
                return self.store.query(narrowed, substitutions=_terms(bindings), default_graph=default)
        return self.store.query(query, substitutions=_terms(bindings), **ox_dataset(dataset))

    def select(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
        dataset: Dataset | None = None,
    ) -> list[Row]:
        result = self._solutions(query, bindings, union, dataset)
        names = [v.value for v in result.variables]
        # A solution iterates its values in the order of the variables: zipping them is a
        # third of the cost of looking each up by name (the API reads thousands of rows a page).
        return [dict(zip(names, [None if t is None else t.value for t in sol], strict=True)) for sol in result]

    def select_terms(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
        dataset: Dataset | None = None,
    ) -> Iterator[dict[str, Term | None]]:
        result = self._solutions(query, bindings, union, dataset)
        names = [v.value for v in result.variables]
        for sol in result:
            yield dict(zip(names, [rdf.from_ox(t) for t in sol], strict=True))

    def statements(
        self, query: str, bindings: Mapping[str, Any] | None = None, *, dataset: Dataset | None = None
    ) -> Iterator[Quad]:
        for s in self._solutions(query, bindings, True, dataset):
            yield Quad(rdf.from_ox(s["s"]), rdf.from_ox(s["p"]), rdf.from_ox(s["o"]), rdf.from_ox(s["g"]))

    def construct(
        self,
        query: str,
        bindings: Mapping[str, Any] | None = None,
        *,
        union: bool = True,
        dataset: Dataset | None = None,
    ) -> Iterator[Triple]:
        for t in self._solutions(query, bindings, union, dataset):
            yield Triple(rdf.from_ox(t.subject), rdf.from_ox(t.predicate), rdf.from_ox(t.object))

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        if graph is None and not self._own_graphs():
            names: list[Any] = [None]
        elif graph is None:  # the default graph and every named graph but the store's logs
            names = [ox.DefaultGraph()] + [ox.NamedNode(g) for g in self.named_graphs()]
        else:
            names = [ox.NamedNode(graph)]
        for name in names:
            for q in self.store.quads_for_pattern(None, None, None, name):
                yield rdf.quad_from_ox(q)

    def export(
        self, fmt: Format, graphs: list[str] | None = None, prefixes: Mapping[str, str] | None = None
    ) -> Iterator[bytes]:
        """Graph by graph, in chunks of at most CHUNK quads, serialised by pyoxigraph without
        converting terms. In TriG a graph split over chunks appears as several blocks with the
        same name, which TriG allows. In a triple syntax (Turtle, N-Triples) graph names are
        left out; chunks after the first write full IRIs, so their concatenation stays one
        valid document."""
        oxfmt = rdf.ox_format(fmt)
        names: list[Any] = (
            [ox.DefaultGraph()] + [ox.NamedNode(g) for g in self.named_graphs()]
            if graphs is None
            else [ox.NamedNode(g) for g in graphs]
        )
        as_triples = not fmt.supports_datasets
        first = True
        chosen = dict(prefixes) if prefixes else None
        for graph in names:
            batch: list[Any] = []
            for quad in self.store.quads_for_pattern(None, None, None, graph):
                batch.append(quad.triple if as_triples else quad)
                if len(batch) >= CHUNK:
                    yield ox.serialize(batch, format=oxfmt, prefixes=chosen if first else None) or b""
                    first, batch = False, []
            if batch:
                yield ox.serialize(batch, format=oxfmt, prefixes=chosen if first else None) or b""
                first = False
        if first and fmt in (Format.JSONLD, Format.RDFXML):  # an empty document is still a document
            yield ox.serialize([], format=oxfmt) or b""

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if not is_store_own_graph(g.value))

    def _own_graphs(self) -> list[Any]:
        return [g for g in self.store.named_graphs() if is_store_own_graph(g.value)]

    def graphs(self) -> list[GraphInfo]:
        fallback = None if self.path is None else files_modified(self.path)
        return [
            GraphInfo(name, datetime.fromisoformat(self._modified[name]) if name in self._modified else fallback)
            for name in self.named_graphs()
        ]

    def last_modified(self) -> datetime | None:
        times = self._read_times() if self.path is not None else self._modified
        known = [datetime.fromisoformat(v) for v in times.values()]
        files = None if self.path is None else files_modified(self.path)
        candidates = [t for t in [*known, files] if t is not None]
        return max(candidates) if candidates else None

    def __len__(self) -> int:
        own = 0
        for graph in self._own_graphs():  # counted by the engine: the public union is most of a store
            rows = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}", union=False)
            own += int(rows[0]["n"] or 0)
        return len(self.store) - own

    def public_queries(self, options: QueryOptions) -> PublicQueries:
        if self.path is None:
            raise StoreError("an in-memory store has no public query service (its workers open a directory)")
        return public_queries(self.path, options)


@lru_cache(maxsize=512)
def _excluding(query: str, hidden: tuple[str, ...]) -> str:
    """exclude_graphs, kept per query text: the API runs the same few texts again and again."""
    return exclude_graphs(query, hidden)


def ox_dataset(dataset: Dataset) -> dict[str, Any]:
    """pyoxigraph's query arguments for `dataset`. Both lists are always given: pyoxigraph reads
    a missing `named_graphs` as every named graph of the store."""
    return {"default_graph": _ox_default(dataset), "named_graphs": [ox.NamedNode(g) for g in dataset.named]}


def _ox_default(dataset: Dataset) -> list[Any]:
    default: list[Any] = [ox.NamedNode(g) for g in dataset.default]
    if dataset.store_default:
        default.append(ox.DefaultGraph())
    return default


def public_queries(path: Path, options: QueryOptions) -> PublicQueries:
    """The killable worker pool over the store directory `path` (opened by each worker, so a
    pool starts even when the store is missing: its workers then answer 503 with the reason).
    Needs the running event loop."""
    from ingest.store.embedded.pool import QueryPool

    return QueryPool(
        path,
        options.workers,
        options.sandbox,
        per_client=options.per_client,
        waiting_per_client=options.waiting_per_client,
    )
