"""SPARQL servers the test suite starts itself, each on a free loopback port in a temp dir, so the
remote backend is tested against the real thing (issue 11)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.serving import free_port


def oxigraph_binary() -> str | None:
    """The `oxigraph` command of the PyPI package `oxigraph` (a dev dependency): beside this
    interpreter, else on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    if beside.is_file():
        return str(beside)
    return shutil.which("oxigraph")


OXIGRAPH_MISSING = "the oxigraph server binary is not installed (pip install oxigraph: a dev dependency)"


@contextmanager
def oxigraph_server(location: Path, *, timeout_s: int = 30) -> Iterator[str]:
    """`oxigraph serve --location DIR --bind 127.0.0.1:PORT`; yields its base URL once it answers."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError(OXIGRAPH_MISSING)
    port = free_port()
    log = location.with_name(location.name + ".log")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                binary,
                "serve",
                "--location",
                str(location),
                "--bind",
                f"127.0.0.1:{port}",
                "--timeout-s",
                str(timeout_s),
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"oxigraph serve exited: {log.read_text(errors='replace')[-2000:]}")
            try:
                if httpx.get(url + "/query", params={"query": "ASK {}"}, timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError("oxigraph serve did not answer within 60 s")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


def wipe(url: str) -> None:
    """Empty an Oxigraph server between tests."""
    r = httpx.post(url + "/update", content=b"DROP SILENT ALL", headers={"Content-Type": "application/sparql-update"})
    r.raise_for_status()
