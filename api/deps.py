"""FastAPI dependencies shared by every router.

    from api.deps import get_settings, get_store, run_query_file

    @router.get("/api/things")
    def things(store: Store = Depends(get_store)) -> ...:
        rows = run_query_file(store, "things.rq", {"name": Literal(q)})

`get_store` gives the view of the app's one Store (ingest.store.base; opened on first use,
closed at shutdown) that the request may see (ingest.store.view, api.access): the public view,
whose reads never reach a withheld document or an internal graph, unless the request carries
a `read-withheld` token. Every route reads through that view, and every cache is keyed by it
(api.cache keys on the object). The server opens the store read-only unless it runs
`--writable` (api.writes: then it is the store's one writer, and the views read the same
handle its writes go to).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request

from api.access import can_read_withheld
from api.settings import Settings
from ingest.passages import PassageIndex, PassageIndexError, in_step, index_path_for, rebuild_from
from ingest.store import Store, connect
from ingest.store.terms import IRI, Term, as_term
from ingest.store.view import StoreView

logger = logging.getLogger("casegraph.api")

QUERIES_DIR = Path(__file__).parent / "queries"

_open_lock = threading.Lock()


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_store(request: Request) -> Store:
    """The view of the store this request may see: the full one for a `read-withheld` token,
    else the public one."""
    return app_view(request.app.state, full=can_read_withheld(request))


def opened_view(state: Any, *, full: bool = False) -> StoreView | None:
    """app_view if it has been made already, else None (never opens the store)."""
    view: StoreView | None = getattr(state, "full_view" if full else "public_view", None)
    return view


def app_view(state: Any, *, full: bool = False) -> StoreView:
    """The public view (or, `full`, the read-withheld one) of the app's store, one object per
    app, so caches keyed by it live as long as the app."""
    name = "full_view" if full else "public_view"
    view = opened_view(state, full=full)
    if view is None:
        store = app_store(state)
        with _open_lock:
            view = getattr(state, name, None)
            if view is None:
                from api.cache import POLL

                view = StoreView(store, full=full, poll=POLL)
                setattr(state, name, view)
    return view


def app_store(state: Any) -> Store:
    """The store kept on `app.state`, opened on first use (raises StoreError): read-only, or
    read-write when the server runs with writes on (Settings.writable). Not for answering
    requests: it sees withheld documents and internal graphs (use app_view)."""
    store: Store | None = getattr(state, "store", None)
    if store is None:
        with _open_lock:
            store = getattr(state, "store", None)
            if store is None:
                store = connect(state.settings.store, read_only=not state.settings.writable)
                state.store = store
    return store


@cache
def load_query(name: str, dialect: str = "oxigraph") -> str:
    """The text of api/queries/NAME (e.g. "person_timeline.rq"); read once. For a store whose
    dialect is "sparql11" (Store.dialect: a server without Oxigraph's LATERAL), its plain SPARQL
    1.1 variant in api/queries/sparql11/ when the query has one."""
    path = QUERIES_DIR / name
    if path.parent != QUERIES_DIR or path.suffix != ".rq":
        raise ValueError(f"not a query file name: {name!r}")
    portable = QUERIES_DIR / "sparql11" / name
    if dialect == "sparql11" and portable.is_file():
        path = portable
    return path.read_text(encoding="utf-8")


def run_query_file(store: Store, name: str, bindings: Mapping[str, Any] | None = None) -> list[dict[str, str | None]]:
    """Run SELECT query api/queries/NAME over the union of all graphs, with `bindings` (variable
    name -> value) substituted as RDF terms, never pasted into the text. None values are left
    unbound. Rows are plain strings (None for unbound)."""
    terms = {k: as_term(v) for k, v in (bindings or {}).items() if v is not None}
    return store.select(load_query(name, store.dialect), terms)


def with_values(query: str, var: str, terms: Sequence[Term]) -> str:
    """`query` with `VALUES ?var { ... }` on its `#VALUES ?var` line: one query for a batch
    of resources instead of one per resource. Only IRIs are accepted, and as IRI terms
    (validated when made, written out in N-Triples syntax), so nothing but an IRI can reach the
    text; callers pass IRIs the store gave them, never user input."""
    marker = f"#VALUES ?{var}\n"
    if marker not in query:
        raise ValueError(f"the query has no line '#VALUES ?{var}'")
    if not all(isinstance(t, IRI) for t in terms):
        raise TypeError("VALUES takes IRI terms only")
    return query.replace(marker, f"VALUES ?{var} {{ {' '.join(str(t) for t in terms)} }}\n", 1)


def run_query_file_for_each(
    store: Store, name: str, var: str, iris: Sequence[str], bindings: Mapping[str, Any] | None = None
) -> list[dict[str, str | None]]:
    """Run api/queries/NAME once for all of `iris` (as VALUES ?var, see with_values), with
    `bindings` substituted as in run_query_file."""
    if not iris:
        return []
    terms = {k: as_term(v) for k, v in (bindings or {}).items() if v is not None}
    return store.select(with_values(load_query(name, store.dialect), var, [IRI(i) for i in iris]), terms)


def get_passages(request: Request) -> PassageIndex:
    return app_passages(request.app.state, full=can_read_withheld(request))


def app_passages(state: Any, *, full: bool = False) -> PassageIndex:
    """The passage index the request's view searches, opened on first use: the file beside the
    store (or `settings.passages`) when it holds exactly the documents the view shows;
    otherwise (missing, older, the store was loaded as RDF without one, or, on the public
    side, the file indexes withheld documents) an index built in memory from the texts the
    view shows, so search answers what the view holds and no total, rank or score depends on
    a withheld document. The store cannot change while served."""
    name = "passages" if full else "public_passages"
    index: PassageIndex | None = getattr(state, name, None)
    if index is None:
        with _open_lock:
            index = getattr(state, name, None)
            if index is None:
                index = _open_passages(state, full)
                setattr(state, name, index)
    return index


def _open_passages(state: Any, full: bool) -> PassageIndex:
    store = app_view(state, full=full)
    path = state.settings.passages or index_path_for(state.settings.store)
    try:
        index = PassageIndex(path, read_only=True)
        if in_step(index, store):
            setattr(state, _source_name(full), str(path))
            return index
        index.close()
        reason = "out of step with the store"
    except PassageIndexError as exc:
        reason = str(exc)
    logger.warning("passage index %s: %s; building one in memory from the stored texts", path, reason)
    index = PassageIndex(None)
    rebuild_from(index, store)
    setattr(state, _source_name(full), "memory")
    return index


def _source_name(full: bool) -> str:
    """Where the view's passage index came from, for /health."""
    return "full_passages_source" if full else "passages_source"


def app_stats(state: Any, *, full: bool = False) -> dict[str, Any]:
    """Counts of the served store as the view sees it, computed once per store version
    (api.cache: a store on a server may take new documents while served). Raises StoreError
    when there is no store."""
    from api.cache import per_store

    store = app_view(state, full=full)
    return per_store(store, "stats", lambda: {"quads": len(store), "graphs": len(store.named_graphs())})
