"""Fair shares of the query workers between clients.

Without this, one client sending 20 slow queries at once holds every worker until its queries
hit the deadline, and everyone else waits (or gets 503). The gate hands out the workers so
that cannot happen:

- a client has at most `per_client` queries running at once; with per_client below the number
  of workers (the default: one less), one client can never hold them all;
- a client may have at most `waiting` more queries queued for a worker; past that its next
  query is refused at once (ClientBusy -> 429 with Retry-After) rather than queued;
- when a worker frees up it goes to the clients with queued queries in turn (round robin), not
  to whoever queued the most, so a client with one query waits behind at most one query of
  each other client.

Clients are named by their key (api.clients); the gate only counts. It lives in the server's
event loop and is not thread-safe (nothing outside that loop uses it).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter, OrderedDict, deque


class ClientBusy(Exception):
    """The client already has as many queries running and waiting as it may."""


class FairGate:
    def __init__(self, slots: int, per_client: int, waiting: int) -> None:
        self.free = slots
        self.per_client = per_client
        self.waiting = waiting
        self.running: Counter[str] = Counter()
        # clients with queued queries, in the order they are served next; each a FIFO of futures
        self.queues: OrderedDict[str, deque[asyncio.Future[None]]] = OrderedDict()

    def queued(self, client: str) -> int:
        return len(self.queues.get(client, ()))

    async def acquire(self, client: str, timeout: float) -> None:
        """Wait (at most `timeout` s: TimeoutError) until `client` may use a worker."""
        if self.free > 0 and self.running[client] < self.per_client and not self.queued(client):
            self._grant(client)
            return
        if self.queued(client) >= self.waiting:
            raise ClientBusy
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.queues.setdefault(client, deque()).append(future)
        try:
            await asyncio.wait_for(asyncio.shield(future), timeout)
        except (TimeoutError, asyncio.CancelledError):
            if future.done() and not future.cancelled():
                self.release(client)  # granted just as we gave up: hand the slot on
            else:
                future.cancel()
                self._forget(client, future)
            raise

    def release(self, client: str) -> None:
        """`client`'s query is done with its worker."""
        self.running[client] -= 1
        if self.running[client] <= 0:
            del self.running[client]
        self.free += 1
        self._dispatch()

    def _grant(self, client: str) -> None:
        self.free -= 1
        self.running[client] += 1

    def _forget(self, client: str, future: asyncio.Future[None]) -> None:
        queue = self.queues.get(client)
        if queue is not None:
            with contextlib.suppress(ValueError):  # already handed out
                queue.remove(future)
            if not queue:
                del self.queues[client]

    def _dispatch(self) -> None:
        """Give free slots to queued clients in turn, each below its running limit."""
        while self.free > 0:
            for client in list(self.queues):
                if self.running[client] >= self.per_client:
                    continue
                queue = self.queues.pop(client)
                future = queue.popleft()
                if queue:
                    self.queues[client] = queue  # back of the line
                self._grant(client)
                future.set_result(None)
                break
            else:
                return
