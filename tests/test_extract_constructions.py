"""Constructions of report prose -> events (tests/fixtures/constructions.yaml): conjoined and
idiomatic sentences, "respectively", appeal decisions, transfers, continued detention,
acquittals, `other` acts; subjects that are people; authorities and judges of the next sentence."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

from ingest.model import EventRecord
from tests.extract_support import facts

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "constructions.yaml").read_text(encoding="utf-8"))["cases"]
_ARGUMENTS = ("date", "status", "place", "authority", "judge", "outcome", "penalty", "to", "from")


def _agrees(event: EventRecord, expected: dict[str, Any]) -> bool:
    if event.type != expected["type"] or set(event.people) != set(expected["people"]):
        return False
    for arg in _ARGUMENTS:
        if arg in expected and str(getattr(event, "from_" if arg == "from" else arg)) != str(expected[arg]):
            return False
    # provisions as a set of labels ("Criminal Code 313"), in any order
    return "provisions" not in expected or set(event.provisions) == set(expected["provisions"])


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_construction_gives_the_events_a_reader_takes(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEGRAPH_NLP_MODEL", "none")  # the rules alone must carry it
    events = facts(case["text"]).events
    shown = "\n".join(f"  {e.type} {e.date} {e.people} {e.penalty!r} {e.authority} {e.outcome}" for e in events)
    expected = case.get("events") or []
    for want in expected:
        assert any(_agrees(e, want) for e in events), f"missing {want}; extracted:\n{shown}"
    counts = Counter(w["type"] for w in expected)
    for kind, n in counts.items():
        assert sum(e.type == kind for e in events) == n, f"expected {n} {kind}; extracted:\n{shown}"
    for kind in case.get("absent") or []:
        assert not any(e.type == kind for e in events), f"no {kind} expected; extracted:\n{shown}"
