"""Published URLs come from the configured public origin (Settings.public_url), never from the
request. A client chooses the Host header it sends; a server that builds URLs from it prints
whatever a client wrote (`Host: evil.example` into the service description, VoID, redirects)
into answers others may cache or trust.

`PublicOrigin` rewrites every request's scope, before anything of the app sees it, as if it had
come to the public origin: Host header, scheme and server. So `request.url`, `url_for`, and
what Starlette builds itself (the slash redirects) all carry the public origin, and code that
prints an absolute URL writes `settings.origin + path` (as the routers do) or uses
request.url: both give the same answer, whatever the client sent.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

ASGIApp = Any


class PublicOrigin:
    def __init__(self, app: ASGIApp, origin: str) -> None:
        self.app = app
        parts = urlsplit(origin)
        self.scheme = parts.scheme
        self.host = parts.netloc.encode("ascii")
        self.server = (parts.hostname or "", parts.port or (443 if parts.scheme == "https" else 80))

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] in ("http", "websocket"):
            headers = [(k, v) for k, v in scope.get("headers", ()) if k != b"host"]
            headers.append((b"host", self.host))
            scheme = self.scheme if scope["type"] == "http" else ("wss" if self.scheme == "https" else "ws")
            scope = {**scope, "headers": headers, "scheme": scheme, "server": self.server}
        await self.app(scope, receive, send)
