"""ETags keyed by the store's version: a GET of the API or the dataset description answers 304
to an `If-None-Match` that names the current tag, and every such 200 carries the tag (dumps and
linked data have validators of their own, per graph: api.conditional). The tag is the store's
last-modified time (api.cache.store_version) with the request's path, query and Accept, so a
new document built into the store changes every tag at once, on every server answering from
it (replicas), without a restart."""

from __future__ import annotations

import hashlib
from typing import Any

from starlette.concurrency import run_in_threadpool

from api.cache import store_version
from ingest.store import StoreError

# Dumps and linked data carry their own validators, per graph (api.conditional).
PREFIXES = ("/api/", "/.well-known/void")
ASGIApp = Any


def _header(scope: dict[str, Any], name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


async def served_version(state: Any, *, full: bool = False) -> str | None:
    """The version of the store as the public (or, `full`, a read-withheld token) sees it
    (api.cache.store_version of the view), looked up off the event loop; None when the store
    cannot be opened (the route says why)."""
    from api.deps import app_view

    try:
        return await run_in_threadpool(lambda: store_version(app_view(state, full=full)))
    except StoreError:
        return None


class StoreETags:
    def __init__(self, app: ASGIApp, state: Any) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or not scope["path"].startswith(PREFIXES):
            await self.app(scope, receive, send)
            return
        from api.access import scope_reads_withheld

        full = scope_reads_withheld(scope)
        version = await served_version(self.state, full=full)
        if version is None:
            await self.app(scope, receive, send)
            return
        key = "|".join(
            # the view is part of the tag: a token holder's answer is never a public one's
            [
                version,
                "full" if full else "public",
                scope["path"],
                scope.get("query_string", b"").decode("latin-1"),
                _header(scope, b"accept"),
            ]
        )
        tag = 'W/"' + hashlib.sha256(key.encode("utf-8")).hexdigest()[:24] + '"'
        wanted = [t.strip() for t in _header(scope, b"if-none-match").split(",")]
        if tag in wanted or "*" in wanted:
            await send({"type": "http.response.start", "status": 304, "headers": [(b"etag", tag.encode())]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def tagged(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                message = {**message, "headers": [*message.get("headers", []), (b"etag", tag.encode())]}
            await send(message)

        await self.app(scope, receive, tagged)
