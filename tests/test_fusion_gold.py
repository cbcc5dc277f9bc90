"""Fusion on the gold facts of the sample corpus: the disagreements the sources really have
are found, with both sides' documents, and each defender has one event per real act."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from ingest import ids
from ingest.fusion import FUSED_GRAPH, compute_fusion, rebuild_fused_graph
from ingest.fusion.checks import validate_fused
from ingest.fusion.claims import read_same_as
from ingest.fusion.fuse import Fusion
from ingest.store.embedded import EmbeddedStore
from tests.fusion_gold import GOLD, build_gold_store


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gold") / "store"
    build_gold_store(path)
    return path


@pytest.fixture(scope="module")
def fusion(store_path: Path) -> Fusion:
    store = EmbeddedStore(store_path, read_only=True)
    try:
        return compute_fusion(store)[0]
    finally:
        store.close()


def doc(stem: str) -> str:
    return str(ids.document_iri(stem + ".txt"))


def gold_facts() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text(encoding="utf-8")) for p in sorted(GOLD.glob("*.yaml"))}


def date_conflict(fusion: Fusion, event_type: str) -> dict[str, list[str]]:
    found = [
        c
        for c in fusion.conflicts
        if c.property == "date" and next(e for e in fusion.events if e.iri == c.about).type == event_type
    ]
    assert len(found) == 1, f"expected one date conflict on a {event_type}, found {len(found)}"
    return {g.value.key: g.documents for g in found[0].resolution.groups}


def stated(event_type: str) -> dict[str, set[str]]:
    """date -> the documents whose gold facts give that day for an occurred event of the type."""
    out: dict[str, set[str]] = {}
    for stem, facts in gold_facts().items():
        for e in facts["events"]:
            if e["type"] == event_type and e.get("status", "occurred") == "occurred" and e.get("date"):
                out.setdefault(str(e["date"]), set()).add(doc(stem))
    return out


def test_transfer_date_disagreement_names_both_sides(fusion: Fusion) -> None:
    values = date_conflict(fusion, "transfer")
    assert len(values) == 2
    for day, documents in values.items():
        assert set(documents) == stated("transfer")[day]


def test_charge_date_disagreement_names_both_sides(fusion: Fusion) -> None:
    values = date_conflict(fusion, "charge")
    assert len(values) == 2
    for day, documents in values.items():
        assert set(documents) == stated("charge")[day]


def test_detention_start_disagreement_has_no_majority(fusion: Fusion) -> None:
    values = date_conflict(fusion, "pretrial-detention")
    assert len(values) == 2 and all(len(d) == 1 for d in values.values())
    conflict = next(
        c
        for c in fusion.conflicts
        if c.property == "date" and {g.value.key for g in c.resolution.groups} == set(values)
    )
    # A 1-1 tie: both dates kept as the disputed range; the event is dated by the earliest
    # (issue 14: a tied date is never dropped from the timeline).
    assert conflict.resolution.tie_break == "earliest"
    assert conflict.resolution.chosen is not None and conflict.resolution.chosen.key == min(values)
    event = next(e for e in fusion.events if e.iri == conflict.about)
    assert event.date == min(values) and event.earliest == min(values) and (event.latest or "") >= max(values)


def test_each_defender_has_one_event_per_real_act(fusion: Fusion, store_path: Path) -> None:
    """No document states one act twice, so the acts of a (person, type, status) are at least
    as many as any one document states and, when fusion finds every cross-source match in
    the gold facts, no more."""
    store = EmbeddedStore(store_path, read_only=True)
    try:
        same_as = read_same_as(store)  # names reviewed as one person count as one
    finally:
        store.close()
    people = {}
    most_in_one_document: Counter[tuple[str, str, str]] = Counter()
    for facts in gold_facts().values():
        kind = {p["name"]: p["kind"] for p in facts["people"]}
        per_doc: Counter[tuple[str, str, str]] = Counter()
        for e in facts["events"]:
            for name in e["people"]:
                if kind.get(name) == "defender":
                    key = (same_as.find(str(ids.person_iri(name))), e["type"], e.get("status", "occurred"))
                    per_doc[key] += 1
                    people[key[0]] = name
        for key, n in per_doc.items():
            most_in_one_document[key] = max(most_in_one_document[key], n)
    fused: Counter[tuple[str, str, str]] = Counter()
    for e in fusion.events:
        for s in e.subjects:
            fused[(s, e.type, e.status)] += 1
    for key, n in most_in_one_document.items():
        assert fused[key] == n, f"{people[key[0]]}: {fused[key]} fused {key[1]} ({key[2]}) events, {n} real acts"


def test_fused_graph_conforms_and_rebuilds_identically(store_path: Path) -> None:
    store = EmbeddedStore(store_path)
    try:
        result = validate_fused(store)
        assert result.conforms, result.report_text
        assert not result.warnings  # the gold facts have no impossible order across sources
        before = sorted(str(q) for q in store.quads(str(FUSED_GRAPH)))
        rebuild_fused_graph(store)
        after = sorted(str(q) for q in store.quads(str(FUSED_GRAPH)))
        assert before == after and before
    finally:
        store.close()
