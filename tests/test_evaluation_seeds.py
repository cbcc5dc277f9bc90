"""Extraction quality on the sample corpus may not fall: the seeds are built, read back with
SPARQL and scored against their gold files, with and without the statistical model.

The floors sit just under what extraction reached when they were last raised; raise them
when extraction improves, never lower them to make a change pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.evaluation import evaluate, load_gold
from ingest.store.embedded import EmbeddedStore
from tests.conftest import DOCUMENTS, GOLD

# section -> F1 floor (reached with the scoring of FORMAT.md as revised, and the gold of 004
# whose year-less dates are null: people 0.986 without the model and 1.000 with it,
# organisations 1.000, events 0.979, arguments 0.994)
FLOORS = {"people": 0.97, "organisations": 0.98, "events": 0.96, "arguments": 0.98}


@pytest.mark.parametrize("model", ["default", "none"])
def test_seed_scores_stay_above_their_floors(model: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if model == "none":
        monkeypatch.setenv("CASEGRAPH_NLP_MODEL", "none")
    else:
        monkeypatch.delenv("CASEGRAPH_NLP_MODEL", raising=False)
    score, summary = evaluate(DOCUMENTS, load_gold(GOLD), EmbeddedStore(memory=True), workers=0)
    assert not summary.failures, [str(f) for f in summary.failures]
    assert not score.missing
    reached = {
        "people": score.people.f1,
        "organisations": score.organisations.f1,
        "events": score.events.f1,
        "arguments": score.arguments.f1,
    }
    below = {k: round(v, 3) for k, v in reached.items() if v < FLOORS[k]}
    assert not below, f"F1 under the floor {FLOORS}: {below}"
