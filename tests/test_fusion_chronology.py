"""Impossible orders across sources are flagged as warnings that name both documents."""

from __future__ import annotations

from ingest import ids
from ingest.fusion import rebuild_fused_graph
from ingest.fusion.checks import validate_fused
from ingest.model import DocumentRecord, EventRecord, Facts, PersonRecord
from ingest.rdf import facts_to_graph
from ingest.store.embedded import EmbeddedStore
from ingest.texts import replace_document


def _store(events_by_doc: dict[str, list[EventRecord]]) -> EmbeddedStore:
    store = EmbeddedStore(memory=True)
    for doc, events in events_by_doc.items():
        people = sorted({n for e in events for n in e.people})
        facts = Facts(
            document=DocumentRecord(file=f"{doc}.txt", curated=True),
            people=[PersonRecord(name=n, kind="defender") for n in people],
            events=events,
        )
        replace_document(store, facts_to_graph(facts))
    rebuild_fused_graph(store)
    return store


def test_release_dated_before_the_arrest_by_another_source_is_a_warning() -> None:
    store = _store(
        {
            "report-a": [
                EventRecord(type="arrest", people=["Tomas Novak"], date="2020-06-10"),
                EventRecord(type="charge", people=["Tomas Novak"], date="2020-06-12", provisions=["Penal Code 9"]),
            ],
            "report-b": [EventRecord(type="release", people=["Tomas Novak"], date="2020-06-01")],
        }
    )
    result = validate_fused(store)
    assert result.conforms  # a warning, not a violation
    messages = [w["message"] or "" for w in result.warnings]
    assert len(messages) == 1, messages
    assert str(ids.document_iri("report-a.txt")) in messages[0]
    assert str(ids.document_iri("report-b.txt")) in messages[0]
    assert "release" in messages[0] and "2020-06-01" in messages[0] and "2020-06-10" in messages[0]


def test_release_after_an_arrest_in_the_same_proceeding_is_fine() -> None:
    # A second arrest after the release is a new arrest, not a contradiction.
    store = _store(
        {
            "report-a": [
                EventRecord(type="arrest", people=["Tomas Novak"], date="2020-05-20"),
                EventRecord(type="charge", people=["Tomas Novak"], date="2020-05-21", provisions=["Penal Code 9"]),
                EventRecord(type="arrest", people=["Tomas Novak"], date="2020-06-10"),
            ],
            "report-b": [EventRecord(type="release", people=["Tomas Novak"], date="2020-06-01")],
        }
    )
    result = validate_fused(store)
    assert result.conforms and not result.warnings, result.warnings
