"""Request bodies are bounded before they are read: in size (Settings.max_body) and in time
(Settings.body_timeout), so a client can neither make the server hold a huge body nor keep a
request open by sending it slowly.

- A Content-Length over the cap is refused at once (413), before a byte of the body is read
  (and before `100 Continue`), and the connection is closed: the client learns the limit
  without sending 10 GB, and the server does not read them to throw them away.
- A body without a length (chunked), or one that is longer than it said, is counted as it is
  read: the read that passes the cap ends the request with 413 and the connection is closed.
  What was read until then is at most the cap plus one chunk (the server reads in chunks of at
  most 64 KiB and pauses the socket while the app has not taken them).
- The whole body must arrive within body_timeout seconds of the request head, else 408 and
  the connection is closed. Once the body is complete, reads pass straight through (a
  streamed answer waits on them to hear of a disconnect, for as long as it streams).

Uploads (UPLOAD_ROUTES: a document for ingest, a curated facts file) have their own cap,
Settings.max_upload, checked the same ways; who may upload is the route's business (api.auth),
decided from the headers before the body is read.

The request head has its own deadline, in the HTTP protocol itself (api.serving).
"""

from __future__ import annotations

import asyncio
import re
from typing import Any

from api.responses import send_plain

CLOSE = {"connection": "close"}
# (method, path pattern) of the routes that take uploads (api.routers.writes).
UPLOAD_ROUTES: tuple[tuple[str, str], ...] = (("POST", r"/api/documents"), ("PUT", r"/api/documents/[^/]+/facts"))


class BodyLimits:
    def __init__(
        self,
        app: Any,
        max_body: int,
        timeout: float,
        uploads: tuple[tuple[str, str], ...] = (),
        max_upload: int = 0,
    ) -> None:
        self.app, self.max_body, self.timeout = app, max_body, timeout
        self.uploads = [(method, re.compile(pattern)) for method, pattern in uploads]
        self.max_upload = max(max_upload, max_body)

    def cap(self, scope: dict[str, Any]) -> int:
        method, path = scope.get("method", ""), scope.get("path", "")
        if any(method == m and p.fullmatch(path) for m, p in self.uploads):
            return self.max_upload
        return self.max_body

    def _too_large(self, cap: int) -> str:
        return f"the request body is larger than this server accepts ({cap} bytes)"

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        cap = self.cap(scope)
        declared = [v for k, v in scope.get("headers", ()) if k == b"content-length"]
        if declared:
            try:
                length = int(declared[0])
            except ValueError:
                await send_plain(send, 400, "Content-Length is not a number", CLOSE)
                return
            if length > cap:
                await send_plain(send, 413, self._too_large(cap), CLOSE)
                return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        received = 0
        complete = False
        started = False
        # Set when the body broke a limit: (status, message). The app is then told the client
        # went away (so however it reads bodies, it stops), whatever it still sends is dropped,
        # and the refusal is sent instead.
        refused: tuple[int, str] | None = None

        async def bounded_receive() -> dict[str, Any]:
            nonlocal received, complete, refused
            if complete:
                message: dict[str, Any] = await receive()
                return message
            remaining = deadline - loop.time()
            try:
                if remaining <= 0:
                    raise TimeoutError
                message = await asyncio.wait_for(receive(), remaining)
            except TimeoutError:
                refused = (408, f"the request body did not arrive within {self.timeout:g} s of the request head")
                complete = True
                return {"type": "http.disconnect"}
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                complete = not message.get("more_body", False)
                if received > cap:
                    refused, complete = (413, self._too_large(cap)), True
                    return {"type": "http.disconnect"}
            else:
                complete = True  # a disconnect: nothing more will come
            return message

        async def guarded_send(message: dict[str, Any]) -> None:
            nonlocal started
            if refused is not None and not started:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, bounded_receive, guarded_send)
        except Exception:
            if refused is None or started:
                raise
        if refused is not None and not started:
            await send_plain(send, refused[0], refused[1], CLOSE)
