"""The fusion rules on cases written for them (tests/fixtures/fusion/cases.yaml): each case is
a few small reports, stored the way a build stores them, fused, and compared with the events
and conflicts the case expects (near misses included)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from ingest import ids
from ingest.fusion import compute_fusion
from ingest.fusion.fuse import Fusion
from ingest.model import DocumentRecord, EventRecord, Evidence, Facts, PersonRecord
from ingest.rdf import facts_to_graph
from ingest.store.embedded import EmbeddedStore
from ingest.texts import replace_document

CASES = yaml.safe_load((Path(__file__).parent / "fixtures" / "fusion" / "cases.yaml").read_text(encoding="utf-8"))
EVENT_KEYS = {"type", "people", "date", "status", "authority", "to", "from", "provisions", "outcome", "penalty"}


def _facts(doc: str, events: list[dict[str, Any]], people: list[dict[str, Any]]) -> Facts:
    records = []
    for e in events:
        assert set(e) - {"id"} <= EVENT_KEYS, f"case event {e['id']}: unknown keys {set(e) - EVENT_KEYS - {'id'}}"
        fields = {k: v for k, v in e.items() if k not in {"id", "from"}}
        if "date" in fields:
            fields["date"] = str(fields["date"])
        # The id travels as the evidence quote: the claim tells which case event it is.
        records.append(EventRecord(**fields, from_=e.get("from"), evidence=[Evidence(e["id"], 0, len(e["id"]))]))
    listed = {p["name"] for p in people}
    persons = [PersonRecord(**p) for p in people] + [
        PersonRecord(name=n, kind="defender") for n in sorted({n for e in events for n in e["people"]} - listed)
    ]
    return Facts(document=DocumentRecord(file=f"{doc}.txt", curated=True), people=persons, events=records)


def fuse_case(case: dict[str, Any]) -> tuple[Fusion, dict[str, str]]:
    store = EmbeddedStore(memory=True)
    for doc, events in case["documents"].items():
        replace_document(store, facts_to_graph(_facts(doc, events, case.get("people", {}).get(doc, []))))
    if case.get("same_as"):
        g = Graph(identifier=URIRef("urn:test:resolver"))
        for a, b in case["same_as"]:
            g.add((ids.person_iri(a), OWL.sameAs, ids.person_iri(b)))
        store.replace_graph(g)
    fusion, _names = compute_fusion(store)
    doc_of = {str(ids.document_iri(f"{d}.txt")): d for d in case["documents"]}
    return fusion, doc_of


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_fusion_case(case: dict[str, Any]) -> None:
    fusion, doc_of = fuse_case(case)
    groups = {frozenset(q for c in e.claims for q in c.quotes): e for e in fusion.events}
    expected = {frozenset(g) for g in case["events"]}
    assert set(groups) == expected, (
        f"events: got {sorted(map(sorted, groups))}, expected {sorted(map(sorted, expected))}"
    )

    event_ids = {i for g in expected for i in g}
    got = []
    for c in fusion.conflicts:
        # an event conflict is named by the first id of its event's group; a person's by IRI
        target = (
            next(sorted(g)[0] for g, e in groups.items() if e.iri == c.about) if c.about_kind == "event" else c.about
        )
        values = {g.value.label: sorted(doc_of[d] for d in g.documents) for g in c.resolution.groups}
        chosen = c.resolution.chosen.label if c.resolution.chosen else None
        got.append((target, c.property, chosen, values))
    wanted = []
    for w in case["conflicts"]:
        if w["about"] in event_ids:
            target = sorted(next(g for g in expected if w["about"] in g))[0]
        else:
            target = str(ids.person_iri(w["about"]))
        wanted.append((target, w["property"], w["chosen"], {str(k): sorted(v) for k, v in w["values"].items()}))
    assert sorted(got, key=repr) == sorted(wanted, key=repr)
    for event_id, date in (case.get("dates") or {}).items():
        event = next(e for g, e in groups.items() if event_id in g)
        assert event.date == date


def test_fusion_is_deterministic_whatever_the_order_of_documents() -> None:
    case = next(c for c in CASES if c["name"].startswith("three sources"))
    reversed_case = {**case, "documents": dict(reversed(list(case["documents"].items())))}
    first, _ = fuse_case(case)
    second, _ = fuse_case(reversed_case)
    assert [e.iri for e in first.events] == [e.iri for e in second.events]
    assert [c.iri for c in first.conflicts] == [c.iri for c in second.conflicts]
