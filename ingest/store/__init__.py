"""Where the graph lives. Build, export and the API go through the `Store` protocol
(ingest.store.base) and get a backend from `connect(location)`:

- a directory: the embedded backend (ingest.store.embedded, a pyoxigraph store);
- an http(s) URL: the remote backend (ingest.store.remote, any SPARQL 1.1 server; its endpoints
  and credentials come from the environment, see ingest.store.remote.ServerSettings).

Values crossing the seam are the project's own terms (ingest.store.terms) and syntaxes
(ingest.store.rdf); no caller sees the engine.
"""

from __future__ import annotations

from pathlib import Path

from ingest.store.base import (
    GraphInfo,
    Job,
    Outcome,
    PoolBusy,
    PublicQueries,
    QueryOptions,
    QueryTimeout,
    Row,
    Store,
    StoreError,
    WorkerCrashed,
)
from ingest.store.embedded import DEFAULT_STORE
from ingest.store.fairness import ClientBusy
from ingest.store.rdf import Format
from ingest.store.terms import IRI, BlankNode, Literal, Quad, Term, Triple

Location = Path | str


def is_remote(location: Location | None) -> bool:
    return isinstance(location, str) and location.startswith(("http://", "https://"))


def as_location(value: Location | None) -> Location:
    """What `--store` or CASEGRAPH_STORE says: a URL stays a string, anything else is a path."""
    if value is None:
        return DEFAULT_STORE
    return str(value) if is_remote(str(value)) else Path(value)


def connect(location: Location | None = None, *, read_only: bool = False) -> Store:
    """The store at `location` (a directory or a server's URL; None: the default directory).
    `read_only`: the caller only reads (a server, an export), so a missing store is an error,
    not a new empty one."""
    where = as_location(location)
    if isinstance(where, str):
        from ingest.store.remote import RemoteStore

        return RemoteStore(where, read_only=read_only)
    from ingest.store.embedded import EmbeddedStore

    return EmbeddedStore(where, read_only=read_only)


def memory_store() -> Store:
    """An empty store in memory (tests, benchmarks, `evaluate` without --store)."""
    from ingest.store.embedded import EmbeddedStore

    return EmbeddedStore(memory=True)


def public_queries(location: Location, options: QueryOptions) -> PublicQueries:
    """The public SPARQL service over the store at `location`; it starts without opening the
    store, so a missing store is reported per query (503 with the reason)."""
    where = as_location(location)
    if isinstance(where, str):
        from ingest.store.remote import ServerSettings
        from ingest.store.remote import public_queries as remote_queries

        return remote_queries(ServerSettings.from_env(where), options)
    from ingest.store.embedded import public_queries as embedded_queries

    return embedded_queries(where, options)


__all__ = [
    "DEFAULT_STORE",
    "IRI",
    "BlankNode",
    "ClientBusy",
    "Format",
    "GraphInfo",
    "Job",
    "Literal",
    "Location",
    "Outcome",
    "PoolBusy",
    "PublicQueries",
    "Quad",
    "QueryOptions",
    "QueryTimeout",
    "Row",
    "Store",
    "StoreError",
    "Term",
    "Triple",
    "WorkerCrashed",
    "as_location",
    "connect",
    "is_remote",
    "memory_store",
    "public_queries",
]
