"""Per-client request rate: every request on every route costs one token from its client's
bucket (Settings.rate_limit tokens a second, up to Settings.rate_burst saved up); a client
whose bucket is empty gets 429 with Retry-After (the seconds until it has a token again), and
nothing of the app runs for it. A client is who api.clients says it is; the key is kept on the
request's scope (`request.state.client_key`) for the limits further in (the SPARQL workers'
per-client share, ingest.store.fairness).

Buckets live in memory, one per client seen recently; at most MAX_CLIENTS are kept, the one
idle longest forgotten first (a client idle that long has a full bucket anyway).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from api.clients import ClientIdentity
from api.responses import send_plain

MAX_CLIENTS = 100_000


class TokenBuckets:
    def __init__(
        self, rate: float, burst: int, max_clients: int = MAX_CLIENTS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate, self.burst, self.max_clients, self.clock = rate, float(burst), max_clients, clock
        self.buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # key -> (tokens, when)

    def wait(self, key: str) -> float:
        """The seconds until `key` has a token, without spending one (0.0: it has one now)."""
        now = self.clock()
        tokens, then = self.buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def take(self, key: str) -> float:
        """Spend one of `key`'s tokens: 0.0 when there was one, else the seconds until there is."""
        now = self.clock()
        tokens, then = self.buckets.pop(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - then) * self.rate)
        wait = 0.0
        if tokens >= 1:
            tokens -= 1
        else:
            wait = (1 - tokens) / self.rate
        self.buckets[key] = (tokens, now)  # most recently seen last
        if len(self.buckets) > self.max_clients:
            self.buckets.popitem(last=False)
        return wait


class ClientLimits:
    """ASGI middleware: identifies the client of each request and applies the rate limit."""

    def __init__(self, app: Any, identity: ClientIdentity, buckets: TokenBuckets | None) -> None:
        self.app, self.identity, self.buckets = app, identity, buckets

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        address, key = self.identity(scope)
        state = scope.setdefault("state", {})
        state["client_address"], state["client_key"] = address, key
        if self.buckets is not None:
            wait = self.buckets.take(key)
            if wait:
                seconds = max(1, math.ceil(wait))
                message = (
                    f"too many requests from this client: at most {self.buckets.rate:g} a second on average "
                    f"(bursts of {self.buckets.burst:g}); try again in {seconds} s"
                )
                await send_plain(send, 429, message, {"retry-after": str(seconds)})
                return
        await self.app(scope, receive, send)
