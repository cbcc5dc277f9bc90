"""Fusion speed on synthetic reports: N cases, each told by several documents that repeat the
same acts with a day of jitter here and there. Prints claims, events, conflicts and seconds.

    .venv/bin/python -m benchmarks.fusion [cases] [documents-per-case]
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import time

from ingest.fusion import rebuild_fused_graph
from ingest.model import DocumentRecord, EventRecord, Facts, PersonRecord
from ingest.rdf import facts_to_graph
from ingest.store import memory_store
from ingest.texts import replace_document

STEPS = (
    ("arrest", 0),
    ("charge", 5),
    ("pretrial-detention", 8),
    ("trial-start", 90),
    ("conviction", 150),
    ("sentence", 150),
    ("appeal-decision", 220),
    ("transfer", 240),
)


def main(cases: int = 500, per_case: int = 4) -> None:
    rng = random.Random(7)
    store = memory_store()
    started = time.perf_counter()
    documents = 0
    for case in range(cases):
        # Digits one per word: the transliteration key folds doubled letters (and digits).
        code = " ".join(str(case))
        people = [f"Alpha {code} Example", f"Beta {code} Example"]
        start = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(3000))
        for d in range(per_case):
            events = []
            for kind, offset in STEPS:
                if rng.random() < 0.3:
                    continue  # not every report tells every step
                jitter = rng.choice((0, 0, 0, 1, -1))
                when = (start + dt.timedelta(days=offset + jitter)).isoformat()
                events.append(
                    EventRecord(type=kind, people=people, date=when, to="Prison No. 1" if kind == "transfer" else None)
                )
            facts = Facts(
                document=DocumentRecord(file=f"case{case}-doc{d}.txt", curated=True),
                people=[PersonRecord(name=n, kind="defender") for n in people],
                events=events,
            )
            replace_document(store, facts_to_graph(facts))
            documents += 1
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    summary = rebuild_fused_graph(store)
    fused = time.perf_counter() - started
    print(f"{documents} documents loaded in {loaded:.1f} s")
    print(f"{summary}; fused graph {summary.triples} triples in {fused:.2f} s ({summary.claims / fused:.0f} claims/s)")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:3]))
