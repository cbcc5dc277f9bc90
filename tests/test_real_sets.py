"""The sets of real reports under tests/fixtures/real-*/ are well formed.

Each set has docs/ (line 1 the source URL, line 2 blank, then the page text) and gold/ (one
facts file per document, FORMAT.md). These tests check the shape only; they never run the
extractor on the sets, so nothing here can tune extraction to them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.facts_yaml import read_facts

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOLD_FILES = sorted(FIXTURES.glob("real-*/gold/*.yaml"))
DOC_FILES = sorted(FIXTURES.glob("real-*/docs/*.txt"))


def _id(path: Path) -> str:
    return str(path.relative_to(FIXTURES))


def test_there_are_real_sets_to_check() -> None:
    assert GOLD_FILES, f"no gold files under {FIXTURES}/real-*/gold"


@pytest.mark.parametrize("gold", GOLD_FILES, ids=_id)
def test_gold_file_loads_and_names_its_document(gold: Path) -> None:
    facts = read_facts(gold)
    assert facts.document.file == gold.with_suffix(".txt").name, "gold and document must share a basename"
    doc = gold.parent.parent / "docs" / facts.document.file
    assert doc.is_file(), f"{gold}: document {doc} is missing"


@pytest.mark.parametrize("gold", GOLD_FILES, ids=_id)
def test_every_event_person_is_a_listed_person(gold: Path) -> None:
    facts = read_facts(gold)
    names = {p.name for p in facts.people} | {a for p in facts.people for a in p.aliases}
    for i, event in enumerate(facts.events):
        assert event.people, f"{gold}: events[{i}] ({event.type}) names nobody"
        missing = [n for n in event.people if n not in names]
        assert not missing, f"{gold}: events[{i}] ({event.type}) names {missing}, not in people"


@pytest.mark.parametrize("doc", DOC_FILES, ids=_id)
def test_document_starts_with_its_source_url(doc: Path) -> None:
    lines = doc.read_text(encoding="utf-8").split("\n")
    assert lines[0].startswith(("http://", "https://")), f"{doc}: line 1 must be the source URL"
    assert len(lines) > 2 and lines[1] == "", f"{doc}: line 2 must be blank"
    assert lines[2].strip() or len(lines) > 3, f"{doc}: no page text after the URL"
