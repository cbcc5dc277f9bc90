"""Fault benchmark: kill -9 `casegraph build` at random points, many times, and count what the
build promised against what the store holds (tests/faults/harness.py does each trial).

Each trial builds the sample corpus (data/documents, copied to --documents files with distinct
names) into a fresh store with the rule-only extractor, kills the build at a random moment in
[0, --window] seconds, reopens the store, checks every document reported stored before the
kill is there whole (the statements of a clean build), that no graph is half-written (every
document graph carries its stamp, written in the same transaction), then runs the build again
and checks it completes and skips what was stored.

    .venv/bin/python benchmarks/faults.py [--trials 50] [--documents 10] [--window 20] [--seed 1]

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ingest.ids import graph_iri  # noqa: E402
from tests.faults.harness import build_cli, graph_sizes, kill_trial  # noqa: E402


def corpus(folder: Path, n: int) -> list[Path]:
    seeds = sorted((ROOT / "data" / "documents").glob("*.txt"))
    folder.mkdir(parents=True)
    docs = []
    for i in range(n):
        target = folder / f"copy{i:03d}-{seeds[i % len(seeds)].name}"
        shutil.copy(seeds[i % len(seeds)], target)
        docs.append(target)
    return docs


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=50)
    ap.add_argument("--documents", type=int, default=10)
    ap.add_argument("--window", type=float, default=20.0, help="kill at a random time in [0, WINDOW] s")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="casegraph-faults-") as tmp:
        work = Path(tmp)
        docs = corpus(work / "docs", args.documents)
        started = time.perf_counter()
        assert build_cli(work / "reference", docs).returncode == 0
        reference = graph_sizes(work / "reference")
        print(f"clean build of {len(docs)} documents: {time.perf_counter() - started:.1f} s")
        totals = dict(reported=0, present=0, lost=0, half=0, rerun_failed=0, rerun_incomplete=0, skipped=0)
        killed_with_some = 0
        for trial in range(args.trials):
            store_dir = work / f"store-{trial}"
            after = rng.uniform(0, args.window)
            t = kill_trial(store_dir, docs, after)
            lost = [
                p
                for p in t.reported
                if t.present.get(str(graph_iri(Path(p).name))) != reference.get(str(graph_iri(Path(p).name)))
            ]
            half = len(t.unstamped) + sum(1 for g, n in t.present.items() if n != reference.get(g))
            totals["reported"] += len(t.reported)
            totals["present"] += len(t.present)
            totals["lost"] += len(lost)
            totals["half"] += half
            totals["rerun_failed"] += t.rerun_code != 0
            totals["rerun_incomplete"] += graph_sizes(store_dir) != reference
            totals["skipped"] += t.rerun_unchanged
            killed_with_some += bool(t.present)
            print(
                f"trial {trial + 1:2d}: kill at {after:5.1f} s, {len(t.reported):2d} reported, "
                f"{len(t.present):2d} present, {len(lost)} lost, {half} half, rerun exit {t.rerun_code}, "
                f"{t.rerun_unchanged} skipped"
            )
            shutil.rmtree(store_dir, ignore_errors=True)
        print()
        print(f"trials {args.trials}; trials where the kill left some documents stored: {killed_with_some}")
        for key, value in totals.items():
            print(f"{key:17s} {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
