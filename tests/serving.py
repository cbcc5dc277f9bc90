"""Helpers for tests that need a store or a real running server (`casegraph serve` in a
subprocess on a free port), and the two steps every server fixture shares: waiting until a
started process answers, and stopping it again."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from casegraph.commands.load import FORMATS
from ingest.store.embedded import EmbeddedStore
from ingest.store.rdf import Format

ROOT = Path(__file__).resolve().parent.parent
CONFORMANCE = ROOT / "tests" / "fixtures" / "conformance"
PROTOCOL_DATA = CONFORMANCE / "protocol_data.trig"
GOLD_FILE = min((ROOT / "tests" / "fixtures" / "gold").glob("*.yaml"))

# A query that is slow on any non-trivial store: a cross product of eight triple patterns
# (14 quads in the protocol data -> 14^8 rows to count).
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(8)) + " }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(
    ready: Callable[[], bool],
    what: str,
    *,
    seconds: float,
    proc: subprocess.Popen[Any] | None = None,
    output: Callable[[], str] = lambda: "",
) -> None:
    """Call `ready` every 0.1 s until it returns true (a transport error counts as not yet).
    Raises RuntimeError naming `what` when `proc` exits first or `seconds` pass, with `output()`
    (the process's log, say) so the failure shows why."""
    give_up = time.monotonic() + seconds
    while True:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {proc.returncode}: {output()}")
        try:
            if ready():
                return
        except (httpx.TransportError, OSError):
            pass
        if time.monotonic() > give_up:
            raise RuntimeError(f"{what}: not within {seconds:g} s: {output()}")
        time.sleep(0.1)


def answers(url: str, *, timeout: float = 2, **params: str) -> Callable[[], bool]:
    """A `wait_until` check: GET `url` (with `params`) answers 200 within `timeout` seconds."""
    return lambda: httpx.get(url, params=params, timeout=timeout).status_code == 200


def stop_process(proc: subprocess.Popen[Any], *, sig: int = signal.SIGTERM, grace: float = 10) -> None:
    """Send `sig` (a server's own clean stop) and wait `grace` seconds; then kill it."""
    if proc.poll() is None:
        proc.send_signal(sig)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=10)


def load_store(path: Path, *files: Path) -> Path:
    """A store at `path` holding `files` (TriG etc.), closed again so a server can open it."""
    store = EmbeddedStore(path)
    for f in files:
        store.load_file(f, FORMATS.get(f.suffix.lower(), Format.TRIG))
    store.flush()
    store.close()
    return path


@contextmanager
def running_server(store: Path | str, *extra: str, env: dict[str, str] | None = None) -> Iterator[str]:
    """Start `casegraph serve` on a free port; yield its base URL once /health answers."""
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "casegraph",
            "serve",
            "--store",
            str(store),
            "--port",
            str(port),
            "--log-level",
            "warning",
            *extra,
        ],
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(
            answers(f"{base}/health"),
            "casegraph serve answering /health",
            seconds=60,
            proc=proc,
            output=lambda: proc.stdout.read() if proc.stdout and proc.poll() is not None else "",
        )
        yield base
    finally:
        stop_process(proc, sig=signal.SIGINT)
