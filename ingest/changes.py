"""The changes log: what happened to each named graph, in order, so a partner can mirror the
public graph by pulling only what changed (`GET /api/changes`, then per-graph dumps).

The log lives in the store itself, in the internal graph GRAPH (one of the store's logs, left
out of graph lists, counts and dumps: ingest.store.base.STORE_OWN_GRAPHS), so every server over one store (replicas on
a database server) serves the same log. It is only ever appended to (Store.append_ntriples).
One entry per event:

    <urn:x-casegraph:change:ID> <…#time>     "2026-12-03T14:35:56.123456Z" ;  # fixed width, UTC
                                <…#graph>    <…/id/graph/report> ;
                                <…#kind>     "added" ;          # added|replaced|withdrawn|removed
                                <…#hash>     "sha256:…" ;       # the graph's content then
                                <…#document> <…/id/document/report> ;
                                <…#public>   true .             # public then (see below)

- added: a graph the log did not hold (or held as removed) was stored; replaced: a stored
  graph's content changed (its hash: every statement of the graph, stamps included, so a
  mirror that applies the change holds exactly what the dump holds); storing a graph with the
  content it had records nothing. withdrawn: a public graph became withheld; removed: a graph
  left the store.
- `public` says whether the public could see the graph when the entry was written. The feed
  lists public entries only, so a document that was never public never appears, and one
  withheld after being public appears once more, as withdrawn, without hash or document.
  While withheld nothing of it is public; published again, it is added with its content then.
- Order: (time, entry id), both text of fixed form. Times only grow within one writer and
  start past the newest entry, so entries of one build are in write order. A store has one
  writer at a time (the embedded store's lock; on a server, the one build or ingest worker);
  two writers on one server at once could interleave their times.

`sync(store)` brings the log in step with the store (a graph written without an entry, by
`casegraph load` say, or a graph gone): it runs at the start of every build and after a load.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ingest.store import IRI, Quad, Store
from ingest.store.base import INTERNAL_PREFIX
from ingest.texts import document_graph, is_text_graph
from ingest.vocab import CG

GRAPH = INTERNAL_PREFIX + "changes"
_P = INTERNAL_PREFIX + "change#"
TIME, OF_GRAPH, KIND, HASH, DOCUMENT, PUBLIC = (_P + n for n in ("time", "graph", "kind", "hash", "document", "public"))
ENTRY = "urn:x-casegraph:change:"
KINDS = ("added", "replaced", "withdrawn", "removed")
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
_TIME_FORM = re.compile(r"\A\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z\Z")
_ID_FORM = re.compile(r"\A[0-9a-f]{16}\Z")


@dataclass(frozen=True)
class Change:
    time: str  # "YYYY-MM-DDTHH:MM:SS.ffffffZ"
    id: str
    graph: str
    kind: str
    hash: str | None = None
    document: str | None = None
    public: bool = True

    @property
    def cursor(self) -> str:
        return encode_cursor(self.time, self.id)


def stamp(when: datetime) -> str:
    """A time as the log writes it: UTC, microseconds, fixed width (so text order is time order)."""
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def encode_cursor(time: str, entry: str) -> str:
    return base64.urlsafe_b64encode(f"{time}|{entry}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    """(time, entry id) of a cursor the feed gave; ValueError for anything else."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise ValueError("not a cursor this feed gave") from None
    time, _, entry = raw.partition("|")
    if not _TIME_FORM.match(time) or not _ID_FORM.match(entry):
        raise ValueError("not a cursor this feed gave")
    return time, entry


def graph_hash(quads: Iterable[Quad]) -> str:
    """sha256 of a graph's statements, in sorted N-Triples form: the same statements always
    give the same hash, whatever order the store returns them in."""
    lines = sorted({f"{q.subject} {q.predicate} {q.object} ." for q in quads})
    digest = hashlib.sha256()
    for line in lines:
        digest.update(line.encode("utf-8") + b"\n")
    return "sha256:" + digest.hexdigest()


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _iri(text: str) -> str:
    if any(c in text for c in '<>"{}|^`\\ \n\r\t'):
        raise ValueError(f"not an IRI: {text!r}")
    return f"<{text}>"


_ENTRIES = f"""SELECT ?e ?t ?g ?k ?h ?d ?p WHERE {{
  GRAPH <{GRAPH}> {{
    ?e <{TIME}> ?t ; <{OF_GRAPH}> ?g ; <{KIND}> ?k ; <{PUBLIC}> ?p .
    OPTIONAL {{ ?e <{HASH}> ?h }}
    OPTIONAL {{ ?e <{DOCUMENT}> ?d }}
  }}
  #FILTER
}}
ORDER BY ?t ?e
#LIMIT"""


def _rows_to_changes(rows: Iterable[dict[str, str | None]]) -> list[Change]:
    out = []
    for r in rows:
        entry = r["e"] or ""
        out.append(
            Change(
                time=r["t"] or "",
                id=entry[len(ENTRY) :],
                graph=r["g"] or "",
                kind=r["k"] or "",
                hash=r["h"],
                document=r["d"],
                public=(r["p"] or "").lower() in ("true", "1"),
            )
        )
    return out


def entries(
    store: Store, after: tuple[str, str] | None = None, limit: int | None = None, *, public_only: bool = False
) -> list[Change]:
    """The log's entries in order, those after the position `after` (time, entry id; an
    empty id takes every entry of that time), at most `limit`."""
    filters = []
    if public_only:
        filters.append("?p = true")
    if after is not None:
        time, entry = after
        if not _TIME_FORM.match(time) or (entry and not _ID_FORM.match(entry)):
            raise ValueError(f"not a log position: {after!r}")
        e = _literal(ENTRY + entry)
        t = _literal(time)
        filters.append(f"(STR(?t) > {t} || (STR(?t) = {t} && STR(?e) > {e}))")
    query = _ENTRIES.replace("#FILTER", f"FILTER({' && '.join(filters)})" if filters else "")
    query = query.replace("#LIMIT", f"LIMIT {int(limit)}" if limit is not None else "")
    return _rows_to_changes(_raw(store).select(query, union=False))


def latest(store: Store) -> dict[str, Change]:
    """Each graph's newest entry."""
    out: dict[str, Change] = {}
    for change in entries(store):
        out[change.graph] = change
    return out


def content_hashes(store: Store) -> dict[str, str]:
    """Graph -> its content hash as the log last recorded it (graphs the log holds as stored)."""
    return {g: c.hash for g, c in latest(store).items() if c.hash and c.kind != "removed"}


def is_internal(graph: str) -> bool:
    return graph.startswith(INTERNAL_PREFIX)


def always_public(store: Store, graph: str) -> bool:
    return True


def _raw(store: Store) -> Store:
    """The store underneath a view (ingest.store.view), which never shows the log's graph."""
    from ingest.store.view import StoreView

    return store.store if isinstance(store, StoreView) else store


class ChangeLog:
    """The writer's side of the log: one per build (or state change), appending entries as
    graphs are stored. `is_public(store, graph)` says whether a graph is public now."""

    def __init__(self, store: Store, is_public: Callable[[Store, str], bool] | None = None) -> None:
        from ingest.publication import is_public as public_now

        # A weak reference: log_for keeps one log per store in a WeakKeyDictionary, and a log
        # holding its store strongly would keep the store (and its lock file) open for ever.
        self._store = weakref.ref(_raw(store))
        self.is_public = is_public or public_now
        self._latest: dict[str, Change] | None = None
        self._last = ""

    @property
    def store(self) -> Store:
        store = self._store()
        if store is None:
            raise ReferenceError("the store of this changes log has been closed and released")
        return store

    def refresh(self) -> None:
        """Read the log again (another process may have appended since)."""
        self._latest = None

    def newest(self) -> dict[str, Change]:
        if self._latest is None:
            self._latest = latest(self.store)
            self._last = max((c.time for c in self._latest.values()), default="")
        return self._latest

    def _now(self) -> str:
        self.newest()
        now = datetime.now(UTC)
        if self._last and stamp(now) <= self._last:
            now = datetime.strptime(self._last, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC) + timedelta(microseconds=1)
        self._last = stamp(now)
        return self._last

    def record(
        self, graph: str, kind: str, *, hash: str | None = None, document: str | None = None, public: bool = True
    ) -> Change:
        """Append one entry (in its own transaction)."""
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
        time = self._now()
        entry = hashlib.sha256("\x1f".join([time, graph, kind, hash or ""]).encode()).hexdigest()[:16]
        change = Change(time, entry, graph, kind, hash, document, public)
        subject = _iri(ENTRY + entry)
        lines = [
            f"{subject} <{TIME}> {_literal(time)} .",
            f"{subject} <{OF_GRAPH}> {_iri(graph)} .",
            f"{subject} <{KIND}> {_literal(kind)} .",
            f'{subject} <{PUBLIC}> "{"true" if public else "false"}"^^<{XSD_BOOLEAN}> .',
        ]
        if hash:
            lines.append(f"{subject} <{HASH}> {_literal(hash)} .")
        if document:
            lines.append(f"{subject} <{DOCUMENT}> {_iri(document)} .")
        self.store.append_ntriples(GRAPH, "\n".join(lines))
        self.newest()[graph] = change
        return change

    def stored(self, graph: str, document: str | None = None) -> Change | None:
        """`graph` was just written: added if the log does not hold it, replaced if its content
        differs from the last entry's, nothing if it is the same."""
        quads = list(self.store.quads(graph))
        previous = self.newest().get(graph)
        if not quads:  # stored empty: the graph is gone (a fused view of no documents)
            if previous is None or previous.kind == "removed":
                return None
            return self.removed(graph, was_public=previous.public and previous.kind != "withdrawn")
        digest = graph_hash(quads)
        public = self.is_public(self.store, graph)
        if previous is not None and previous.public and previous.kind in ("added", "replaced") and not public:
            # Public until this write, not since (a text whose licence no longer allows it,
            # ingest.texts): mirrors drop it, as for a withheld document.
            return self.withdrawn(graph)
        # Public again by this write (a text allowed once more): added, with its content.
        back = previous is not None and previous.kind == "withdrawn" and public
        if previous is not None and previous.kind != "removed" and previous.hash == digest and not back:
            return None
        kind = "added" if previous is None or previous.kind == "removed" or back else "replaced"
        return self.record(graph, kind, hash=digest, document=document, public=public)

    def published(self, graph: str, document: str | None = None) -> Change:
        """A withheld graph became public: added, with its content now."""
        return self.record(graph, "added", hash=graph_hash(self.store.quads(graph)), document=document, public=True)

    def withdrawn(self, graph: str) -> Change:
        """A public graph became withheld: public, so mirrors drop it, and without content."""
        previous = self.newest().get(graph)
        return self.record(graph, "withdrawn", hash=previous.hash if previous else None, public=True)

    def removed(self, graph: str, was_public: bool = True) -> Change:
        return self.record(graph, "removed", public=was_public)


_logs: weakref.WeakKeyDictionary[Any, ChangeLog] = weakref.WeakKeyDictionary()


def log_for(store: Store, is_public: Callable[[Store, str], bool] | None = None) -> ChangeLog:
    """The one ChangeLog of `store` in this process, so a build's writer and a state change
    during it (ingest.publication) append to one log and agree on its newest entries.
    `is_public` replaces the log's test of whether a graph is public, when given."""
    log = _logs.get(store)
    if log is None:
        log = _logs[store] = ChangeLog(store)
    if is_public is not None:
        log.is_public = is_public
    return log


def state_changed(store: Store, graph: str, before: str | None, after: str) -> Change | None:
    """A document's publication state changed (ingest.publication.set_state; before None: it
    had none, so it was public). A public graph the log holds as stored becomes withdrawn; a
    withheld one that is stored becomes added, with its content now. A document registered
    withheld before its graph is first stored, or one never public, records nothing public."""
    log = log_for(store)
    previous = log.newest().get(graph)
    if after == "withheld" and before in (None, "public"):
        if previous is not None and previous.public and previous.kind in ("added", "replaced"):
            return log.withdrawn(graph)
        return None
    if after == "public" and before == "withheld":
        quads = list(store.quads(graph))
        if not quads:
            return None
        return log.published(graph, _document_of(store, graph))
    return None


def sync(store: Store, log: ChangeLog | None = None, *, force: bool = False) -> list[Change]:
    """Bring the log in step with the store: a graph written after its newest entry (or with
    none) is hashed and recorded if its content changed; a graph the log holds that is gone
    is recorded removed. Graphs written through ChangeLog.stored cost only a look at their
    times (Store.graphs()); `force` hashes every graph (after a load, which may write a graph
    within the second of its last entry, where whole-second graph times cannot tell)."""
    log = log or log_for(store)
    known = log.newest()
    recorded: list[Change] = []
    present = store.graphs()
    names = {g.name for g in present}
    for info in present:
        if is_internal(info.name):  # the store's own bookkeeping (ingest.publication): never a change
            continue
        previous = known.get(info.name)
        written = None if info.modified is None else stamp(info.modified)
        fresh = previous is not None and previous.kind != "removed" and written is not None
        if not force and fresh and written is not None and previous is not None and written <= previous.time:
            continue
        change = log.stored(info.name, _document_of(store, info.name))
        if change is not None:
            recorded.append(change)
    for graph, previous in sorted(known.items()):
        if graph not in names and previous.kind != "removed" and not is_internal(graph):
            recorded.append(log.removed(graph, was_public=previous.public and previous.kind != "withdrawn"))
    return recorded


_DOCUMENT = f"SELECT ?d ?g WHERE {{ GRAPH ?g {{ ?d <{CG}namedGraph> ?g }} }} LIMIT 1"


def document_of(store: Store, graph: str) -> str | None:
    """The document a graph holds, if any."""
    return _document_of(store, graph)


def _document_of(store: Store, graph: str) -> str | None:
    if is_text_graph(graph):  # a text graph's document is its document graph's (ingest.texts)
        graph = document_graph(graph)
    rows = store.select(_DOCUMENT, {"g": IRI(graph)}, union=False)
    return rows[0]["d"] if rows else None
