"""A store this process may not write (issue 15 item 9): `build` says so in one line and exits 2
with nothing written; `serve` serves it read-only as it is.

The store is made read-only with file permissions. Root writes through them (CAP_DAC_OVERRIDE),
so when the suite runs as root the commands run without that capability (dropped from the
bounding set before exec, as a container without it would run them); where that cannot be done
the tests skip and say why."""

from __future__ import annotations

import ctypes
import hashlib
import os
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.faults.harness import ROOT, build_cli, child_env, graph_sizes
from tests.faults.test_build_faults import write_docs
from tests.serving import answers, free_port, stop_process, wait_until

PR_CAPBSET_DROP = 24
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2


def _no_override() -> None:
    """Runs in the child before exec: without these, root obeys file permissions too."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH):
        if libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=ROOT,
        preexec_fn=_no_override,
        timeout=300,
    )


def digest(folder: Path) -> dict[str, tuple[int, str]]:
    """Every file and folder below `folder`: its mode and (for a file) its content's hash."""
    out = {}
    for p in sorted(folder.rglob("*")):
        mode = stat.S_IMODE(p.lstat().st_mode)
        out[str(p.relative_to(folder))] = (mode, hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "")
    return out


def set_writable(paths: list[Path], writable: bool) -> None:
    for p in paths:
        mode = stat.S_IMODE(p.stat().st_mode)
        p.chmod(mode | stat.S_IWUSR if writable else mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path], dict[str, int]]:
    """A store of one document (the second is left to build), its folder ready to lock."""
    work = tmp_path_factory.mktemp("readonly")
    docs = write_docs(work / "docs", 2)
    home = work / "home"
    done = build_cli(home / "store", docs[:1])
    assert done.returncode == 0, done.stderr
    return home, docs, graph_sizes(home / "store")


@pytest.fixture
def locked(built: tuple[Path, list[Path], dict[str, int]]) -> Iterator[tuple[Path, list[Path], dict[str, int]]]:
    """The whole store folder read-only: the store, its lock file and everything beside it."""
    home = built[0]
    everything = [home, *home.rglob("*")]
    set_writable(everything, False)
    try:
        if run("-c", f"open({str(home / 'probe')!r}, 'w')").returncode == 0:
            pytest.skip("this process writes through file permissions (root that cannot drop CAP_DAC_OVERRIDE)")
        yield built
    finally:
        set_writable(everything, True)


def test_build_into_a_read_only_store_says_so_in_one_line_and_writes_nothing(
    locked: tuple[Path, list[Path], dict[str, int]],
) -> None:
    home, docs, sizes = locked
    before = digest(home)
    result = run("-m", "casegraph", "build", "-q", "--workers", "0", "--store", str(home / "store"), *map(str, docs))
    assert result.returncode == 2, result.stdout + result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    assert lines[0].startswith(f"{home / 'store'}: the store is read-only here"), lines[0]
    assert "need write access" in lines[0] and "`serve` serves it read-only" in lines[0]
    assert digest(home) == before, "nothing written, nothing half-written"
    assert graph_sizes(home / "store") == sizes


def test_build_when_only_the_store_directory_is_read_only(built: tuple[Path, list[Path], dict[str, int]]) -> None:
    """The lock file and its neighbours writable, the store's own files not: still one line."""
    home, docs, sizes = built
    store_files = [home / "store", *(home / "store").rglob("*")]
    set_writable(store_files, False)
    try:
        if run("-c", f"open({str(home / 'store' / 'probe')!r}, 'w')").returncode == 0:
            pytest.skip("this process writes through file permissions (root that cannot drop CAP_DAC_OVERRIDE)")
        before = digest(home / "store")
        result = run(
            "-m", "casegraph", "build", "-q", "--workers", "0", "--store", str(home / "store"), *map(str, docs)
        )
        assert result.returncode == 2, result.stdout + result.stderr
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
        assert "the store is read-only here" in lines[0] and "need write access" in lines[0], lines[0]
        assert digest(home / "store") == before
    finally:
        set_writable(store_files, True)
    assert graph_sizes(home / "store") == sizes


def test_serve_serves_a_read_only_store(locked: tuple[Path, list[Path], dict[str, int]]) -> None:
    home, _, sizes = locked
    before = digest(home)
    port = free_port()
    log = home.parent / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "casegraph", "serve", "--store", str(home / "store"), "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=child_env(),
            cwd=ROOT,
            preexec_fn=_no_override,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(answers(f"{base}/health"), "serve of a read-only store", seconds=90, proc=proc, output=log.read_text)
        people = httpx.get(f"{base}/api/persons", timeout=30).json()
        assert people["total"] >= 1 and any("Berg" in p["label"] for p in people["items"]), people
        count = httpx.get(
            f"{base}/sparql",
            params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert count.status_code == 200
        assert int(count.json()["results"]["bindings"][0]["n"]["value"]) >= sum(sizes.values())
    finally:
        stop_process(proc, sig=signal.SIGINT)
    assert digest(home) == before, "serving wrote nothing"
