"""Whole answers kept by the store's version: a public GET of the JSON API or of linked data that
was answered before, for the same store version, is answered again from memory without running
its route (a person's timeline or description costs tens of milliseconds of SPARQL and Python
under the GIL; the copy, microseconds).

The key is what the answer depends on: the store's version (api.cache.store_version, the same
one the ETags use, so a new document built into the store retires every entry at once, within
api.cache.POLL seconds, as it does the tags), the path and query, and the request headers the
routes read (Accept, Accept-Encoding, Host). Only what cannot differ between clients is kept:
requests without credentials (an `Authorization` header or a cookie: a token may see withheld
documents) and without conditions (`If-None-Match` and the like go to the route, which answers
304 itself), answers 200 in one body of at most MAX_ENTRY bytes. A writing server
(`serve --writable`) keeps nothing: its writes may hide a document, and no copy must outlive
that. The memory is bounded (CASEGRAPH_RESPONSE_CACHE_MB, least recently used out first).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from api.etag import served_version

# The routes whose answers are a function of the store and the request alone (no SPARQL
# endpoint: a query may ask for NOW() or RAND()).
PREFIXES = ("/api/", "/id/", "/.well-known/void")
# Routes under those prefixes that read more than the store (jobs, audit trail: tokens only).
EXCLUDED = ("/api/jobs", "/api/audit")
KEY_HEADERS = (b"accept", b"accept-encoding", b"host")
PRIVATE_HEADERS = (b"authorization", b"cookie")
CONDITIONAL_HEADERS = (b"if-none-match", b"if-modified-since", b"if-match", b"if-unmodified-since", b"range")
MAX_ENTRY = 1024 * 1024
# Said on an answer from memory, so an operator (and the tests) can tell.
HIT = (b"x-cache", b"hit")
ASGIApp = Any


class Answers:
    """Kept answers, least recently used first, within `limit` bytes."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._entries: OrderedDict[tuple[str, ...], tuple[int, list[tuple[bytes, bytes]], bytes]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, ...]) -> tuple[int, list[tuple[bytes, bytes]], bytes] | None:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
            return found

    def put(self, key: tuple[str, ...], status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
        cost = len(body) + sum(len(k) + len(v) for k, v in headers)
        if cost > min(MAX_ENTRY, self.limit):
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self.size -= len(old[2]) + sum(len(k) + len(v) for k, v in old[1])
            self._entries[key] = (status, headers, body)
            self.size += cost
            while self.size > self.limit and self._entries:
                _, (_, h, b) = self._entries.popitem(last=False)
                self.size -= len(b) + sum(len(k) + len(v) for k, v in h)


class ResponseCache:
    def __init__(self, app: ASGIApp, state: Any, limit: int) -> None:
        self.app = app
        self.state = state
        self.answers = Answers(limit)

    def _key_parts(self, scope: dict[str, Any]) -> list[str] | None:
        """The request's part of the key, or None when its answer must not be kept."""
        if scope["type"] != "http" or scope["method"] != "GET" or self.answers.limit <= 0:
            return None
        path = scope["path"]
        if not path.startswith(PREFIXES) or path.startswith(EXCLUDED):
            return None
        if getattr(self.state, "writer", None) is not None:
            return None
        wanted: dict[bytes, str] = {}
        for name, value in scope.get("headers", []):
            if name in PRIVATE_HEADERS or name in CONDITIONAL_HEADERS:
                return None
            if name in KEY_HEADERS:
                wanted[name] = value.decode("latin-1")
        query = scope.get("query_string", b"").decode("latin-1")
        return [path, query, *(wanted.get(h, "") for h in KEY_HEADERS)]

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        parts = self._key_parts(scope)
        if parts is None:
            await self.app(scope, receive, send)
            return
        version = await served_version(self.state)
        if version is None:
            await self.app(scope, receive, send)
            return
        key = (version, *parts)
        found = self.answers.get(key)
        if found is not None:
            status, headers, body = found
            await send({"type": "http.response.start", "status": status, "headers": [*headers, HIT]})
            await send({"type": "http.response.body", "body": body})
            return
        start: dict[str, Any] = {}
        chunks: list[bytes] = []
        keep = True

        async def capture(message: dict[str, Any]) -> None:
            nonlocal keep
            if message["type"] == "http.response.start":
                start.update(message)
                keep = message["status"] == 200
            elif message["type"] == "http.response.body" and keep:
                chunks.append(message.get("body", b""))
                if message.get("more_body", False) and sum(map(len, chunks)) > MAX_ENTRY:
                    keep = False  # a large streamed answer (a dump): not kept
                    chunks.clear()
                elif not message.get("more_body", False):
                    self.answers.put(key, start["status"], list(start.get("headers", [])), b"".join(chunks))
            await send(message)

        await self.app(scope, receive, capture)
