"""A build that is stopped (kill -9, a full disk) keeps what it stored and resumes; a rebuild
skips what has not changed (issue 15 items 9-10). Real command, real store, real faults: see
harness.py; benchmarks/faults.py runs many more trials."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from ingest import pipeline
from ingest.ids import graph_iri
from ingest.pipeline import build
from ingest.store import memory_store
from tests.faults.harness import build_cli, graph_sizes, kill_trial, unstamped_graphs

SEEDS = Path(__file__).resolve().parents[2] / "data" / "documents"


def write_docs(folder: Path, n: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    docs = []
    for i in range(n):
        p = folder / f"report-{i}.txt"
        p.write_text(
            f"Northbridge, 3 March 2021. Police arrested lawyer Anna Berg{i} on 2 March 2021 in Northbridge. "
            f"On 5 March 2021 she was charged under Article 21{i} of the Penal Code.",
            encoding="utf-8",
        )
        docs.append(p)
    return docs


def quick_build(docs: list[Path], store: object, **kw: object) -> pipeline.BuildSummary:
    return build(docs, store, workers=0, initializer=None, fuse=False, **kw)  # type: ignore[arg-type]


def test_a_rebuild_skips_unchanged_files_and_builds_what_changed(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs", 3)
    store = memory_store()
    first = quick_build(docs, store)
    assert (first.documents, first.unchanged) == (3, 0)
    before = {q for q in store.quads()}
    again = quick_build(docs, store)
    assert (again.documents, again.unchanged) == (0, 3), "nothing changed, nothing rebuilt"
    assert {q for q in store.quads()} == before
    docs[1].write_text(docs[1].read_text(encoding="utf-8") + " She was released on 9 March 2021.", encoding="utf-8")
    (tmp_path / "docs" / "report-2.meta.yaml").write_text("publishers: [Example Watch]\n", encoding="utf-8")
    changed = quick_build(docs, store)
    assert (changed.documents, changed.unchanged) == (2, 1), "the edited file and the one with a new sidecar"
    forced = quick_build(docs, store, force=True)
    assert (forced.documents, forced.unchanged) == (3, 0)


def test_another_extractor_version_builds_everything_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    docs = write_docs(tmp_path / "docs", 2)
    store = memory_store()
    quick_build(docs, store)
    monkeypatch.setattr(pipeline, "extractor_version", lambda: "sha256:another-rule-set")
    assert quick_build(docs, store).documents == 2


def test_the_stamp_changes_with_the_rules() -> None:
    from ingest import stamps

    stamps.extractor_version.cache_clear()
    version = stamps.extractor_version()
    assert version.startswith("sha256:") and version == stamps.extractor_version()
    rules = Path(stamps.__file__).parent / "data" / "extract" / "headline.yaml"
    original = rules.read_bytes()
    try:
        rules.write_bytes(original + b"\n# a changed rule file\n")
        stamps.extractor_version.cache_clear()
        assert stamps.extractor_version() != version
    finally:
        rules.write_bytes(original)
        stamps.extractor_version.cache_clear()


def reference_sizes(tmp_path: Path, docs: list[Path]) -> dict[str, int]:
    ref = tmp_path / "reference"
    assert build_cli(ref, docs).returncode == 0
    return graph_sizes(ref)


def test_kill_9_keeps_every_reported_document_whole_and_the_rerun_resumes(tmp_path: Path) -> None:
    docs = sorted(SEEDS.glob("*.txt"))
    reference = reference_sizes(tmp_path, docs)
    for trial, after in enumerate((4.0, 7.0)):
        store_dir = tmp_path / f"store-{trial}"
        result = kill_trial(store_dir, docs, after)
        for path in result.reported:
            graph = str(graph_iri(Path(path).name))
            assert result.present.get(graph) == reference[graph], f"{path} was reported stored: it is there whole"
        assert set(result.present.values()) <= set(reference.values())
        assert result.unstamped == [], "no graph without its stamp, so none half-written"
        assert result.rerun_code == 0
        assert result.rerun_unchanged == len(result.present), "the rerun skips what was stored"
        assert graph_sizes(store_dir) == reference, "and completes the rest"


@pytest.mark.skipif(not hasattr(os, "setrlimit") and os.name != "posix", reason="needs RLIMIT_FSIZE (POSIX)")
def test_a_full_disk_stops_the_build_with_one_line_and_exit_2(tmp_path: Path) -> None:
    docs = sorted(SEEDS.glob("*.txt"))
    reference = reference_sizes(tmp_path, docs)
    store_dir = tmp_path / "store"
    assert build_cli(store_dir, docs[:1]).returncode == 0
    # The store's files and those beside it (lock, passage index, graph times).
    files = [f for p in tmp_path.glob("store*") for f in ([p] if p.is_file() else p.rglob("*")) if f.is_file()]
    largest = max(f.stat().st_size for f in files)
    # Room for about one more document's writes, not for all of them.
    full = build_cli(store_dir, docs, fsize=largest + 300_000)
    assert full.returncode == 2, full.stderr
    lines = [line for line in full.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in full.stderr, full.stderr
    assert "file size limit" in lines[0] and "resumes" in lines[0]
    stored = int(re.search(r"the (\d+) documents stored before it", lines[0]).group(1))  # type: ignore[union-attr]
    assert unstamped_graphs(store_dir) == []
    rerun = build_cli(store_dir, docs)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{stored + 1} unchanged" in rerun.stdout, "the first document and those stored before the stop"
    assert graph_sizes(store_dir) == reference


def test_a_vanished_file_fails_alone(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs", 2)
    gone = tmp_path / "docs" / "gone.txt"
    shutil.copy(docs[0], gone)
    gone.unlink()
    summary = quick_build([*docs, gone], memory_store())
    assert summary.documents == 2 and [f.path for f in summary.failures] == [str(gone)]


def test_backup_while_served_and_restore(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.faults.harness import ROOT, child_env

    docs = write_docs(tmp_path / "docs", 2)
    store_dir = tmp_path / "store"
    assert build_cli(store_dir, docs).returncode == 0
    sizes = graph_sizes(store_dir)

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "casegraph", *args], capture_output=True, text=True, env=child_env(), cwd=ROOT
        )

    # A reader holds the store (as `serve` does): the backup still runs.
    from ingest.store import connect

    reader = connect(store_dir, read_only=True)
    try:
        made = cli("backup", "--store", str(store_dir), str(tmp_path / "bk"))
    finally:
        reader.close()
    assert made.returncode == 0, made.stderr
    written = sorted(p.name for p in (tmp_path / "bk").iterdir())
    assert written == ["MANIFEST.json", "graphs.json", "passages.sqlite", "store"]
    assert not list(tmp_path.glob("bk.partial-*"))
    again = cli("backup", "--store", str(store_dir), str(tmp_path / "bk"))
    assert again.returncode == 2 and "already exists" in again.stderr
    # A stopped backup (no manifest) is refused by restore.
    shutil.copytree(tmp_path / "bk", tmp_path / "half")
    (tmp_path / "half" / "MANIFEST.json").unlink()
    refused = cli("restore", "--store", str(tmp_path / "new"), str(tmp_path / "half"))
    assert refused.returncode == 2 and "not a complete backup" in refused.stderr
    restored = cli("restore", "--store", str(tmp_path / "new"), str(tmp_path / "bk"))
    assert restored.returncode == 0, restored.stderr
    assert graph_sizes(tmp_path / "new") == sizes
    over = cli("restore", "--store", str(tmp_path / "new"), str(tmp_path / "bk"))
    assert over.returncode == 2 and "--replace" in over.stderr
    assert cli("restore", "--replace", "--store", str(tmp_path / "new"), str(tmp_path / "bk")).returncode == 0
    assert graph_sizes(tmp_path / "new") == sizes
