"""`casegraph build` through the real command line, in a subprocess, with its worker pool."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from ingest.ids import fused_graph_iri
from ingest.store.embedded import EmbeddedStore
from tests.bad_inputs import REPORT, write_bad_inputs
from tests.conftest import GOLD

CLI = [sys.executable, "-m", "casegraph"]


def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *map(str, args)], capture_output=True, text=True, cwd=cwd, timeout=300)


def store_quads(path: Path) -> list[str]:
    """The quads of the document graphs (the fused view is derived from them and counted apart)."""
    store = EmbeddedStore(path, read_only=True)
    fused = fused_graph_iri()
    try:
        return sorted(str(q) for q in store.quads() if getattr(q.graph, "value", None) != str(fused))
    finally:
        store.close()


def test_build_reports_each_bad_file_on_one_line_and_stores_the_rest(tmp_path: Path) -> None:
    docs, store = tmp_path / "docs", tmp_path / "store"
    expected = write_bad_inputs(docs)
    (docs / "valdora-2019.txt").write_text(REPORT, encoding="utf-8")
    gold = sorted(GOLD.glob("*.yaml"))[2]
    (docs / gold.name).write_bytes(gold.read_bytes())

    first = run("build", "--store", store, "--workers", "2", docs)
    assert first.returncode == 1, first.stderr
    assert first.stdout.startswith(f"2 documents stored, {len(store_quads(store))} triples, {len(expected)} failed")
    failed = [line for line in first.stderr.splitlines() if line.startswith("FAILED ")]
    assert len(failed) == len(expected), first.stderr
    for name, phrase in expected.items():
        (line,) = [line for line in failed if line.startswith(f"FAILED {docs / name}: ")]
        assert phrase in line, line
    before = store_quads(store)

    second = run("build", "-q", "--store", store, docs)
    assert second.returncode == 1
    assert store_quads(store) == before  # same files, same quads


def test_build_exits_0_when_everything_is_stored(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(REPORT, encoding="utf-8")
    result = run("build", "-q", "--store", tmp_path / "store", docs)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("1 documents stored")


def test_build_defaults_to_data_documents(tmp_path: Path) -> None:
    docs = tmp_path / "data" / "documents"
    docs.mkdir(parents=True)
    (docs / "a.txt").write_text(REPORT, encoding="utf-8")
    (docs / "b.txt").write_text(REPORT.replace("Jane Roe", "Ana Lima"), encoding="utf-8")
    result = run("build", "-q", "--store", "store", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("2 documents stored")


def test_build_of_nothing_usable_exits_2(tmp_path: Path) -> None:
    result = run("build", "--store", tmp_path / "store", tmp_path / "missing")
    assert result.returncode == 2
    assert f"{tmp_path / 'missing'}: no such file or folder" in result.stderr


def test_a_terminated_build_leaves_no_workers_behind(tmp_path: Path) -> None:
    import os
    import signal
    import time

    docs = tmp_path / "docs"
    docs.mkdir()
    for n in range(40):
        (docs / f"r{n:02d}.txt").write_text(REPORT.replace("Jane Roe", f"Person {n}"), encoding="utf-8")
    build = subprocess.Popen([*CLI, "build", "-q", "--store", str(tmp_path / "store"), str(docs)], text=True)

    def children() -> list[int]:
        out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(build.pid)], capture_output=True, text=True)
        return [int(pid) for pid in out.stdout.split()]

    deadline = time.monotonic() + 120
    while len(children()) < 2 and time.monotonic() < deadline:  # the pool (and its tracker) started
        time.sleep(0.2)
    workers = children()
    assert workers, "the build never started its workers"
    build.send_signal(signal.SIGTERM)
    assert build.wait(timeout=60) == 128 + signal.SIGTERM
    time.sleep(0.5)
    for pid in workers:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        status = Path(f"/proc/{pid}/status").read_text() if Path(f"/proc/{pid}/status").exists() else ""
        assert "zombie" in status or not status, f"worker {pid} survived the build"
