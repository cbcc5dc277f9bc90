"""Fault trials for `casegraph build`: kill -9 at a random point, a file size limit standing
in for a full disk. Shared by tests/faults/ (a few trials) and benchmarks/faults.py (many).

A trial builds real documents through the real command in a child process, so a kill or a
failed write hits the real store, then reopens that store and checks what the build promised:
every document it reported stored is there whole (the same statements as a clean build of
it), nothing else is half there, and running the build again completes and skips what was
stored."""

from __future__ import annotations

import os
import re
import resource
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from ingest.stamps import EXTRACTOR_VERSION, INPUT_HASH
from ingest.store import connect
from ingest.texts import document_graph, is_text_graph

ROOT = Path(__file__).resolve().parents[2]
# The child writes one line per document settled ("stored PATH" / "failed PATH"), flushed, so
# the parent knows what was reported before the kill.
_CHILD = """
import sys
from pathlib import Path
from ingest.pipeline import build
from ingest.store import connect
from ingest.texts import document_graph, is_text_graph
store = connect(Path(sys.argv[1]))
def said(path, failure):
    print(("failed " if failure else "settled ") + str(path), flush=True)
build([Path(p) for p in sys.argv[2:]], store, said, workers=0, initializer=None)
store.close()
print("done", flush=True)
"""


def child_env() -> dict[str, str]:
    env = dict(os.environ)
    # The rule-only path keeps a trial to seconds; bytecode is not written, so a size limit
    # never truncates a cached module.
    env.update(CASEGRAPH_NLP_MODEL="none", PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(ROOT))
    return env


def graph_sizes(store_dir: Path) -> dict[str, int]:
    """Graph IRI -> statements, for every stamped document graph (the stamp included)."""
    store = connect(store_dir, read_only=True)
    try:
        rows = store.select(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ GRAPH ?g {{ ?g <{INPUT_HASH}> ?h ; <{EXTRACTOR_VERSION}> ?v . "
            "?s ?p ?o } } GROUP BY ?g",
            union=False,
        )
        return {r["g"] or "": int(r["n"] or 0) for r in rows}
    finally:
        store.close()


def unstamped_graphs(store_dir: Path) -> list[str]:
    """Named graphs with statements but no stamp: a half-written document would be one (the
    fused view and the store's internal graphs, such as the changes log, are no documents). A
    document's text graph carries no stamp of its own: it counts as whole when its document
    graph has one (the two are written in one replace)."""
    store = connect(store_dir, read_only=True)
    try:
        rows = store.select(
            "SELECT DISTINCT ?g ?stamped WHERE { GRAPH ?g { ?s ?p ?o } "
            f"BIND (EXISTS {{ GRAPH ?g {{ ?g <{INPUT_HASH}> ?h }} }} AS ?stamped) "
            'FILTER (!CONTAINS(STR(?g), "/_fused") && !STRSTARTS(STR(?g), "urn:x-casegraph:store:")) }',
            union=False,
        )
        stamped = {r["g"] for r in rows if r["stamped"] == "true"}
        unstamped = [r["g"] or "" for r in rows if r["stamped"] != "true"]
        return [g for g in unstamped if not (is_text_graph(g) and document_graph(g) in stamped)]
    finally:
        store.close()


def build_cli(
    store_dir: Path, docs: list[Path], *extra: str, fsize: int | None = None
) -> subprocess.CompletedProcess[str]:
    def limit() -> None:  # runs in the child before exec
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails (EFBIG)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [
            sys.executable,
            "-m",
            "casegraph",
            "build",
            "-q",
            "--workers",
            "0",
            "--store",
            str(store_dir),
            *extra,
            *map(str, docs),
        ],
        capture_output=True,
        text=True,
        env=child_env(),
        cwd=ROOT,
        preexec_fn=limit,
        timeout=600,
    )


@dataclass
class KillTrial:
    reported: list[str]  # documents the build said it stored before the kill
    present: dict[str, int]  # stamped graphs in the store after the kill
    unstamped: list[str]
    rerun_code: int
    rerun_unchanged: int


def kill_trial(store_dir: Path, docs: list[Path], after: float) -> KillTrial:
    """Start a build, kill -9 it `after` seconds in, reopen the store and build again."""
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(store_dir), *map(str, docs)],
        stdout=subprocess.PIPE,
        text=True,
        env=child_env(),
        cwd=ROOT,
    )
    time.sleep(after)
    child.send_signal(signal.SIGKILL)
    out, _ = child.communicate()
    reported = [line.split(" ", 1)[1] for line in out.splitlines() if line.startswith("settled ")]
    present = graph_sizes(store_dir) if store_dir.exists() else {}
    unstamped = unstamped_graphs(store_dir) if store_dir.exists() else []
    rerun = build_cli(store_dir, docs)
    unchanged = re.search(r"(\d+) unchanged", rerun.stdout)
    return KillTrial(reported, present, unstamped, rerun.returncode, int(unchanged.group(1)) if unchanged else 0)
