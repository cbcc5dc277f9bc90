"""Helpers for tests that need a store or a real running server (`casegraph serve` in a
subprocess on a free port)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


def load_store(path: Path, *files: Path) -> Path:
    """A store at `path` holding `files` (TriG etc.), closed again so a server can open it."""
    store = EmbeddedStore(path)
    for f in files:
        store.load_file(f, FORMATS.get(f.suffix.lower(), Format.TRIG))
    store.flush()
    store.close()
    return path


@contextmanager
def running_server(store: Path, *extra: str, env: dict[str, str] | None = None) -> Iterator[str]:
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
        give_up = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"casegraph serve exited with {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}"
                )
            try:
                if httpx.get(f"{base}/health", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > give_up:
                raise RuntimeError("casegraph serve did not answer /health within 60 s")
            time.sleep(0.1)
        yield base
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
