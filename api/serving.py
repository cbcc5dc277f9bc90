"""How `casegraph serve` runs the app: uvicorn with the HTTP protocol guarded against slow
clients, and none of uvicorn's own proxy-header handling (api.clients decides, from
Settings.trusted_proxies, whose X-Forwarded-For to believe; uvicorn's default would believe
any local process).

uvicorn has no deadline for the request head: a connection that sends its headers one byte a
second (or nothing at all) stays open for as long as the client likes, and a few hundred of
them hold the server's sockets. `guarded_protocol` adds one: the head of each request must be
complete within Settings.head_timeout seconds of the connection opening, or of the previous
answer on a kept-alive connection; otherwise the server answers 408 and closes. While a request
is being answered the deadline does not run (the body has its own: api.bodies).
"""

from __future__ import annotations

import asyncio
from typing import Any

import uvicorn

from api.settings import Settings

try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol as BaseProtocol
except ImportError:  # httptools not installed: the pure-Python parser
    from uvicorn.protocols.http.h11_impl import H11Protocol as BaseProtocol  # type: ignore[assignment]

_SLOW_BODY = b"the request head did not arrive in time\n"
TOO_SLOW = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: text/plain; charset=utf-8\r\n"
    b"x-content-type-options: nosniff\r\nconnection: close\r\n"
    b"content-length: " + str(len(_SLOW_BODY)).encode() + b"\r\n\r\n" + _SLOW_BODY
)


class HeadDeadline(BaseProtocol):  # type: ignore[misc, valid-type]
    head_timeout = 10.0

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        self._head_timer: asyncio.TimerHandle | None = None
        self._answering: Any = None  # the request cycle whose head arrived last
        self._arm()

    def _arm(self) -> None:
        self._disarm()
        self._head_timer = self.loop.call_later(self.head_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_arrived(self) -> bool:
        """A new request cycle exists: its head is complete (uvicorn makes one per head)."""
        cycle = self.cycle
        if cycle is not None and cycle is not self._answering:
            self._answering = cycle
            return True
        return False

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._head_arrived():
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.transport.is_closing():
            return
        if self._head_arrived():  # a pipelined request started at once
            self._disarm()
        else:
            self._arm()  # the next request's head, if any, must come in time

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _too_slow(self) -> None:
        self._head_timer = None
        cycle = self.cycle
        if cycle is not None and cycle is self._answering and not cycle.response_complete:
            return  # a request is being answered: not waiting on a head
        if not self.transport.is_closing():
            self.transport.write(TOO_SLOW)
            self.transport.close()


def guarded_protocol(settings: Settings) -> type[asyncio.Protocol]:
    """The HTTP protocol class with the settings' head deadline."""
    return type("GuardedHttpProtocol", (HeadDeadline,), {"head_timeout": settings.head_timeout})


def uvicorn_config(app: Any, settings: Settings, log_level: str = "info") -> uvicorn.Config:
    from api.auth import install_log_redaction

    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=log_level,
        http=guarded_protocol(settings),
        proxy_headers=False,
        server_header=False,
        # a kept-alive connection with no new request is closed after this many seconds
        timeout_keep_alive=5,
    )
    install_log_redaction()  # after Config, which configures uvicorn's loggers
    return config
