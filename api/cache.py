"""Values computed once per open store, for as long as the store does not change.

An embedded store is opened read-only and writers are kept out by its lock
(ingest.store.embedded.StoreLock); a store on a server can take a new document while several
servers (replicas) answer from it. Either way every entry is tagged with the store's version,
its last-modified time (Store.last_modified, asked at most every POLL seconds), and a new version
empties the store's entries: what a full pass over the store yields (the name index behind
search, say) is never older than the data by more than POLL seconds. Entries go with the store.
"""

from __future__ import annotations

import os
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from ingest.store import Store

T = TypeVar("T")

# Seconds between two looks at a store's last-modified time.
POLL = float(os.environ.get("CASEGRAPH_STORE_POLL", "1"))

_cache: weakref.WeakKeyDictionary[Store, dict[str, Any]] = weakref.WeakKeyDictionary()
_versions: weakref.WeakKeyDictionary[Store, tuple[float, str]] = weakref.WeakKeyDictionary()
_refreshing: weakref.WeakSet[Store] = weakref.WeakSet()
_lock = threading.Lock()


def store_version(store: Store) -> str:
    """The store's last-modified time as text ("" when it has none), looked up at most every
    POLL seconds: what ETags and these caches are keyed on. While one thread looks it up,
    the others go on with the version seen last (a look-up walks every graph: sixteen
    requests arriving as the poll runs out would each walk them)."""
    now = time.monotonic()
    with _lock:
        seen = _versions.get(store)
        if seen is not None and (now - seen[0] < POLL or store in _refreshing):
            return seen[1]
        _refreshing.add(store)
    try:
        stamp = store.last_modified()
    finally:
        with _lock:
            _refreshing.discard(store)
    version = "" if stamp is None else stamp.isoformat()
    with _lock:
        _versions[store] = (now, version)
    return version


def known_version(store: Store) -> str | None:
    """store_version when it needs no look-up now (seen within POLL seconds), else None: for
    callers on the event loop, which must not wait on the store."""
    with _lock:
        seen = _versions.get(store)
    if seen is not None and time.monotonic() - seen[0] < POLL:
        return seen[1]
    return None


def _entries(store: Store) -> dict[str, Any]:
    """The store's entries for its current version (call with _lock held after store_version)."""
    version = _versions.get(store, (0.0, ""))[1]
    entries = _cache.get(store)
    if entries is None or entries.get("__version__") != version:
        entries = {"__version__": version}
        _cache[store] = entries
    return entries


def per_store(store: Store, key: str, compute: Callable[[], T]) -> T:
    """`compute()` once per (store, version, key); later calls return the same value. Callers
    that miss at the same time wait for the one computing it (an index over the whole store
    takes seconds; sixteen threads building it at once take sixteen times as long each)."""
    store_version(store)
    with _lock:
        entries = _entries(store)
        if key in entries:
            return entries[key]  # type: ignore[no-any-return]
        gate = entries.setdefault("__computing__", {}).setdefault(key, threading.RLock())
    with gate:
        with _lock:
            if key in entries:
                return entries[key]  # type: ignore[no-any-return]
        value = compute()
        with _lock:
            return entries.setdefault(key, value)  # type: ignore[no-any-return]


def per_store_lru(store: Store, name: str, key: Hashable, compute: Callable[[], T], size: int = 256) -> T:
    """`compute()` once per (store, version, name, key), keeping the `size` most recently used
    keys of `name`: for answers that depend on request parameters (an event filter), so the
    cache stays bounded however many different requests come."""
    store_version(store)
    with _lock:
        entries = _entries(store)
        lru: OrderedDict[Hashable, Any] = entries.setdefault(f"lru:{name}", OrderedDict())
        if key in lru:
            lru.move_to_end(key)
            return lru[key]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        lru[key] = value
        lru.move_to_end(key)
        while len(lru) > size:
            lru.popitem(last=False)
    return value


class Recent:
    """The `size` most recently used entries of a map, for many keys at once (a page of events
    whose details are kept): put it in per_store so it is emptied with the store's version."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: list[Hashable]) -> dict[Hashable, Any]:
        with self._lock:
            found = {k: self._entries[k] for k in keys if k in self._entries}
            for k in found:
                self._entries.move_to_end(k)
        return found

    def put(self, key: Hashable, value: Any) -> None:
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
