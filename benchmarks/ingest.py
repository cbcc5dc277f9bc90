"""Ingest benchmark: documents per second and peak memory of `casegraph build`.

Builds the sample corpus (data/documents/*.txt) repeated to at least --documents files (copies
with distinct names, so each is its own named graph) into a fresh temporary store with the
build's worker pool, once with the statistical NLP model and once without it
(CASEGRAPH_NLP_MODEL=none). Each configuration runs in its own Python process so neither
inherits the other's memory. Peak memory is the largest sum of resident set sizes of the
build process and all its workers, sampled every 50 ms.

    .venv/bin/python benchmarks/ingest.py [--documents 500] [--workers 2] [--modes model,none] [--size 2000]

`--size 2000` cuts the reports at paragraph breaks into pieces of about 2 kB (the size the
throughput target is stated for); by default the whole reports (3.7-11 kB) are used.

Figures are printed, never asserted: they depend on the machine. CPU ms/doc (parent and
workers together) does not depend on what else the machine runs; `load` is the 1-minute load
average at the end of the run, to tell a quiet machine from a busy one.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "data" / "documents"
PAGE = os.sysconf("SC_PAGE_SIZE")
# Run as a script, this file's folder comes first on sys.path and this file would shadow the
# `ingest` package it measures.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]


# --- memory: RSS of a process and all its descendants --------------------------------------


def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii", errors="replace") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _rss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * PAGE
    except OSError:
        return 0


def tree_rss(root: int) -> int:
    tree = _children()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += _rss(pid)
        todo.extend(tree.get(pid, []))
    return total


class PeakMemory:
    """Samples the RSS of this process and its descendants in a background thread."""

    def __init__(self, interval: float = 0.05) -> None:
        self.interval = interval
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(os.getpid()))
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# --- one configuration (runs in its own process) -------------------------------------------


def pieces(text: str, size: int) -> list[str]:
    """`text` cut at paragraph breaks into pieces of about `size` characters (0: whole)."""
    if size <= 0:
        return [text]
    out, current = [], ""
    for paragraph in text.split("\n\n"):
        current = f"{current}\n\n{paragraph}" if current else paragraph
        if len(current) >= size:
            out.append(current)
            current = ""
    if current:
        out.append(current)
    return out


def make_corpus(folder: Path, documents: int, size: int) -> tuple[int, float]:
    """The sample corpus (or its pieces) copied under distinct names to >= `documents` files."""
    seeds = sorted(CORPUS.glob("*.txt"))
    if not seeds:
        raise SystemExit(f"{CORPUS}: no sample documents")
    texts = [(f"{seed.stem}-{k}", piece) for seed in seeds for k, piece in enumerate(pieces(seed.read_text(), size))]
    folder.mkdir(parents=True)
    copies = -(-documents // len(texts))
    total = 0
    for n in range(copies):
        for name, text in texts:
            (folder / f"copy{n:04d}-{name}.txt").write_text(text, encoding="utf-8")
            total += len(text.encode("utf-8"))
    count = copies * len(texts)
    return count, total / count


def run_one(documents: int, workers: int, size: int) -> dict[str, object]:
    from ingest.pipeline import build
    from ingest.store import connect

    with tempfile.TemporaryDirectory(prefix="casegraph-bench-") as tmp:
        count, mean_size = make_corpus(Path(tmp) / "docs", documents, size)
        store = connect(Path(tmp) / "store")
        with PeakMemory() as memory:
            cpu_before = _cpu_seconds()
            started = time.perf_counter()
            summary = build([Path(tmp) / "docs"], store, workers=workers)
            seconds = time.perf_counter() - started
            # The pool's workers are joined (reaped) when build() returns, so their CPU time
            # is in RUSAGE_CHILDREN by now.
            cpu = _cpu_seconds() - cpu_before
        quads = len(store)
        store.close()
    return {
        "documents": count,
        "mean_bytes": round(mean_size),
        "stored": summary.documents,
        "failed": len(summary.failures),
        "first_failure": str(summary.failures[0]) if summary.failures else None,
        "quads": quads,
        "seconds": round(seconds, 2),
        "documents_per_second": round(summary.documents / seconds, 2) if seconds else 0.0,
        "peak_rss_mb": round(memory.peak / 2**20),
        "cpu_seconds": round(cpu, 1),
        "cpu_ms_per_document": round(1000 * cpu / max(summary.documents, 1)),
        "load_average": round(os.getloadavg()[0], 1),
    }


def _cpu_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


# --- driver --------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--documents", type=int, default=500)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--modes", default="model,none", help="comma-separated: model, none (default: %(default)s)")
    parser.add_argument(
        "--size", type=int, default=0, help="cut the documents at paragraphs into pieces of about this many bytes"
    )
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # child process: one run, JSON out
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_one(args.documents, args.workers, args.size)))
        return 0
    print(f"cpu count {os.cpu_count()}, workers {args.workers}, corpus {CORPUS}")
    header = (
        f"{'model':<7} {'docs':>6} {'mean B':>7} {'stored':>6} {'failed':>6} {'quads':>9} "
        f"{'seconds':>8} {'docs/s':>7} {'peak RSS MB':>11} {'CPU ms/doc':>10} {'load':>5}"
    )
    print(header, flush=True)
    for mode in args.modes.split(","):
        env = dict(os.environ)
        if mode == "none":
            env["CASEGRAPH_NLP_MODEL"] = "none"
        else:
            env.pop("CASEGRAPH_NLP_MODEL", None)
        command = [sys.executable, __file__, "--one", "--documents", str(args.documents)]
        command += ["--workers", str(args.workers), "--size", str(args.size)]
        child = subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
        )
        if child.returncode != 0:
            print(f"{mode}: benchmark run failed:\n{child.stderr}", file=sys.stderr)
            return 1
        r = json.loads(child.stdout.strip().splitlines()[-1])
        print(
            f"{mode:<7} {r['documents']:>6} {r['mean_bytes']:>7} {r['stored']:>6} {r['failed']:>6} {r['quads']:>9} "
            f"{r['seconds']:>8} {r['documents_per_second']:>7} {r['peak_rss_mb']:>11} "
            f"{r['cpu_ms_per_document']:>10} {r['load_average']:>5}",
            flush=True,
        )
        if r["first_failure"]:
            print(f"        first failure: {r['first_failure']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
