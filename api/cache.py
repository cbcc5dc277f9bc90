"""Values computed once per open store.

The server opens its store read-only and keeps writers out with the store lock
(ingest.store.embedded.StoreLock), so what a full pass over the store yields (the name index behind
search, say) stays true for as long as that store object lives. Entries go with the store.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from ingest.store import Store

T = TypeVar("T")

_cache: weakref.WeakKeyDictionary[Store, dict[str, Any]] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def per_store(store: Store, key: str, compute: Callable[[], T]) -> T:
    """`compute()` once per (store, key); later calls return the same value."""
    with _lock:
        entries = _cache.setdefault(store, {})
        if key in entries:
            return entries[key]  # type: ignore[no-any-return]
    value = compute()
    with _lock:
        return entries.setdefault(key, value)  # type: ignore[no-any-return]


def per_store_lru(store: Store, name: str, key: Hashable, compute: Callable[[], T], size: int = 256) -> T:
    """`compute()` once per (store, name, key), keeping the `size` most recently used keys of
    `name`: for answers that depend on request parameters (an event filter), so the cache
    stays bounded however many different requests come."""
    with _lock:
        entries = _cache.setdefault(store, {})
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
