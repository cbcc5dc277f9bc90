"""A store built from the five gold facts files and fused, for the fusion, conflict and
proceeding tests (each test module builds its own in its tmp dir: no shared paths)."""

from __future__ import annotations

from pathlib import Path

from ingest.fusion import FusionSummary, rebuild_fused_graph
from ingest.pipeline import build
from ingest.store.embedded import EmbeddedStore

GOLD = Path(__file__).resolve().parent / "fixtures" / "gold"


def build_gold_store(path: Path) -> FusionSummary:
    store = EmbeddedStore(path)
    try:
        # In-process (workers=0): curated facts need no NLP workers, and tests stay fast.
        summary = build(sorted(GOLD.glob("*.yaml")), store, workers=0)
        assert not summary.failures, summary.failures
        assert summary.documents == 5
        return rebuild_fused_graph(store)
    finally:
        store.close()
