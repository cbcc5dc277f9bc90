"""A pool of query worker processes (ingest.store.embedded.worker) with a real deadline.

Each request borrows one idle worker, sends it the job and waits for the answer without
blocking the event loop (the pipe's file descriptor is watched by asyncio). When the deadline
passes, the worker is killed and replaced, and the caller gets QueryTimeout: pyoxigraph cannot
stop a running query, a process can be stopped. While a slow query holds one worker, the others
go on serving; when every worker stays busy past the deadline, the caller gets PoolBusy.
Who gets a worker when is the gate's business (ingest.store.fairness): each client a fair share.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import pickle
import socket
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

from ingest.store.base import Job, Outcome, PoolBusy, QueryTimeout, WorkerCrashed
from ingest.store.embedded.worker import without_kept_graphs
from ingest.store.fairness import ClientBusy, FairGate

__all__ = ["ClientBusy", "PoolBusy", "QueryPool", "QueryTimeout", "WorkerCrashed"]

# Seconds before a worker that died while starting is started again.
RESTART_DELAY = 5.0
# Seconds a query may wait for a worker that is still starting (a new interpreter loads the
# engine and the SPARQL grammar: a second or two, far longer on a loaded machine). That wait is
# not the query's: its deadline starts again when it gets the worker.
START_WAIT = 60.0
# A query still running after LONG_QUERY seconds has its worker's CPU priority lowered to
# DEMOTED_NICE until it ends, so a client's heavy queries (which run until the deadline) give
# way to the server and to everyone's short queries on the same cores instead of halving
# their share. A process may lower its own priority but not raise it back without privilege:
# a demoted worker that cannot be restored is replaced by a fresh one after its query.
LONG_QUERY = 1.0
DEMOTED_NICE = 10


class Worker:
    """One worker: a fresh interpreter (`python -m ingest.store.embedded.worker`), not a fork of the server
    (forking a process that runs threads and holds a store open is unsafe), talking over a
    socket pair with multiprocessing's framing."""

    def __init__(self, store_path: Path, sandbox_mode: str = "required") -> None:
        ours, theirs = socket.socketpair()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "ingest.store.embedded.worker", str(store_path), str(theirs.fileno()), sandbox_mode],
            pass_fds=[theirs.fileno()],
            stdin=subprocess.DEVNULL,
        )
        theirs.close()  # the child holds its end now; EOF reaches us if it dies
        self.conn = Connection(ours.detach())
        self.demoted = False
        self.graphs_key: str | None = None  # the graph lists this worker keeps (worker.KeptGraphs)

    def send(self, job: Job) -> None:
        """Send `job`, leaving out the graph lists the worker has kept from an earlier job."""
        self.conn.send(without_kept_graphs(job, self.graphs_key))
        self.graphs_key = job.get("graphs_key")

    def demote(self) -> None:
        with contextlib.suppress(OSError):  # gone already
            os.setpriority(os.PRIO_PROCESS, self.process.pid, DEMOTED_NICE)
            self.demoted = True

    def restore(self) -> bool:
        """Back to the server's own priority; False if this process may not raise it."""
        try:
            os.setpriority(os.PRIO_PROCESS, self.process.pid, os.getpriority(os.PRIO_PROCESS, 0))
        except OSError:
            return False
        self.demoted = False
        return True

    def alive(self) -> bool:
        return self.process.poll() is None

    def stop(self) -> None:
        if self.alive():
            self.process.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=5)
        self.conn.close()


class QueryPool:
    def __init__(
        self,
        store_path: Path,
        size: int,
        sandbox_mode: str = "required",
        per_client: int | None = None,
        waiting_per_client: int = 4,
    ) -> None:
        self.store_path = store_path
        self.size = size
        self.sandbox_mode = sandbox_mode
        self.idle: asyncio.Queue[Worker] = asyncio.Queue()
        self.workers: set[Worker] = set()
        self.closed = False
        self.running = 0  # queries being evaluated now
        self.loop = asyncio.get_running_loop()  # the pool lives in the server's event loop
        self.killed = 0  # workers killed at the deadline (reported by /health)
        self.starting = 0  # workers started that have not said they are ready
        self.gate = FairGate(size, per_client or max(1, size - 1), waiting_per_client)
        for _ in range(size):
            self._add()

    def _add(self) -> None:
        """Start a worker; it joins the idle queue once it has said it is ready, so the time a
        new interpreter takes to start never counts against a query's deadline."""
        if self.closed:
            return
        worker = Worker(self.store_path, self.sandbox_mode)
        self.workers.add(worker)
        self.starting += 1
        fd = worker.conn.fileno()

        def on_ready() -> None:
            self.loop.remove_reader(fd)
            self.starting -= 1
            os.set_blocking(fd, True)  # uvloop makes watched descriptors non-blocking
            try:
                worker.conn.recv()  # {"ready": True, ...}
            except (EOFError, OSError):  # died while starting: try again in a while
                self.workers.discard(worker)
                worker.stop()
                self.loop.call_later(RESTART_DELAY, self._add)
                return
            if self.closed:
                worker.stop()
            else:
                self.idle.put_nowait(worker)

        self.loop.add_reader(fd, on_ready)

    def _replace(self, worker: Worker) -> None:
        self.workers.discard(worker)
        worker.stop()
        self._add()

    async def run(self, job: Job, timeout: float, client: str = "") -> Outcome:
        """Evaluate `job` for `client` within `timeout` seconds (waiting behind other queries
        counts; waiting for a worker that is starting does not).
        ClientBusy when the client has its share running and queued already."""
        deadline = time.monotonic() + timeout
        try:
            await self.gate.acquire(client, timeout)
        except TimeoutError:
            raise PoolBusy from None
        try:
            return await self._run(job, deadline, timeout)
        finally:
            self.gate.release(client)

    async def _run(self, job: Job, deadline: float, timeout: float) -> Outcome:
        wait = deadline - time.monotonic()
        for_start = self.idle.empty() and self.starting > 0
        if for_start:  # waiting for an interpreter to start, not for other queries
            wait = max(wait, START_WAIT)
        try:
            worker = await asyncio.wait_for(self.idle.get(), wait)
        except TimeoutError:
            raise PoolBusy from None
        if for_start:
            deadline = max(deadline, time.monotonic() + timeout)
        healthy = False
        self.running += 1
        demote = self.loop.call_later(LONG_QUERY, worker.demote)
        try:
            worker.send(job)
            outcome = await _receive(worker.conn, deadline - time.monotonic())
            healthy = not worker.demoted or worker.restore()
            return outcome
        except TimeoutError:
            self.killed += 1
            raise QueryTimeout from None
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            raise WorkerCrashed(str(exc) or type(exc).__name__) from None
        finally:
            demote.cancel()
            self.running -= 1
            if healthy and not self.closed:
                self.idle.put_nowait(worker)
            else:
                self._replace(worker)

    def busy(self) -> int:
        """Workers evaluating a query right now."""
        return self.running

    def health(self) -> dict[str, int]:
        return {
            "alive": sum(w.alive() for w in self.workers),
            "busy": self.running,
            "waiting": sum(len(q) for q in self.gate.queues.values()),
            "killed_at_deadline": self.killed,
        }

    def close(self) -> None:
        self.closed = True
        for worker in list(self.workers):
            if not self.loop.is_closed():
                with contextlib.suppress(ValueError, OSError):  # a worker still starting
                    self.loop.remove_reader(worker.conn.fileno())
            worker.stop()
        self.workers.clear()


async def _receive(conn: Connection, timeout: float) -> Outcome:
    """Wait (at most `timeout` s) until the worker has answered, then read the answer."""
    if timeout <= 0:
        raise TimeoutError
    loop = asyncio.get_running_loop()
    ready = loop.create_future()

    def on_readable() -> None:
        if not ready.done():
            ready.set_result(None)

    fd = conn.fileno()
    loop.add_reader(fd, on_readable)
    try:
        await asyncio.wait_for(ready, timeout)
    finally:
        loop.remove_reader(fd)
        # uvloop leaves a watched descriptor non-blocking; the answer may be larger than what has
        # arrived so far, and recv must wait for all of it.
        os.set_blocking(fd, True)
    outcome: Outcome = conn.recv()  # EOFError when the worker died
    return outcome
