"""Helpers for the token, ingest and audit tests: tokens made with the real command line, a real
`casegraph serve` in its own process group (so a test can kill -9 it and its workers as a
crash would), its output kept in a file the tests read."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.serving import ROOT, answers, free_port, stop_process, wait_until

# A short report about people and places that do not exist; CANARY makes it findable.
CANARY = "Zorvath Quillemire"
REPORT = (
    f"On 5 June 2019 police in Valdora City detained the human rights lawyer {CANARY} at his office.\n"
    "On 7 June 2019 the Valdora City Court ordered two months of pre-trial detention.\n"
)


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casegraph", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def add_token(store: Path, name: str, *scopes: str, expires: str | None = None) -> str:
    """A token made by `casegraph tokens add`; the token is the last line of its output."""
    args = ["tokens", "add", name, "--store", str(store)]
    for scope in scopes:
        args += ["--scope", scope]
    if expires:
        args += ["--expires", expires]
    result = cli(*args)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@dataclass
class Server:
    base: str
    proc: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def kill9(self) -> None:
        """SIGKILL the server and everything it started (its query and build workers)."""
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        stop_process(self.proc, sig=signal.SIGINT, grace=20)
        with suppress(ProcessLookupError):  # whatever it left behind (a build worker finishing its document)
            os.killpg(self.proc.pid, signal.SIGKILL)


def start_server(store: Path | str, log: Path, *extra: str, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    handle = log.open("ab")
    proc = subprocess.Popen(
        [sys.executable, "-m", "casegraph", "serve", "--store", str(store), "--port", str(port), *extra],
        cwd=ROOT,
        env={**os.environ, "CASEGRAPH_NLP_MODEL": "none", **(env or {})},
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    handle.close()
    server = Server(f"http://127.0.0.1:{port}", proc, log)
    try:
        wait_until(
            answers(f"{server.base}/health"),
            "casegraph serve answering /health",
            seconds=90,
            proc=proc,
            output=server.output,
        )
    except RuntimeError:
        server.stop()
        raise
    return server


@contextmanager
def served(store: Path | str, log: Path, *extra: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    server = start_server(store, log, *extra, env=env)
    try:
        yield server
    finally:
        server.stop()


def upload(
    base: str, token: str, data: bytes, name: str = "report.txt", media_type: str = "text/plain", **fields: Any
) -> httpx.Response:
    return httpx.post(
        f"{base}/api/documents",
        headers=bearer(token),
        files={"file": (name, data, media_type)},
        data=fields,
        timeout=60,
    )


def wait_job(base: str, token: str, job: str, until: tuple[str, ...] = ("done", "failed"), timeout: float = 180) -> Any:
    give_up = time.monotonic() + timeout
    while True:
        answer = httpx.get(f"{base}/api/jobs/{job}", headers=bearer(token), timeout=10)
        assert answer.status_code == 200, answer.text
        body = answer.json()
        if body["status"] in until:
            return body
        if time.monotonic() > give_up:
            raise AssertionError(f"job {job} still {body['status']} after {timeout} s: {body}")
        time.sleep(0.1)


def sparql_graphs(base: str, token: str | None = None) -> dict[str, int]:
    """Graph -> statement count, as the public SPARQL endpoint answers (with `token`, if any)."""
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    answer = httpx.get(
        f"{base}/sparql",
        params={"query": query},
        headers={"Accept": "application/sparql-results+json", **(bearer(token) if token else {})},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    rows = answer.json()["results"]["bindings"]
    return {r["g"]["value"]: int(r["n"]["value"]) for r in rows}
