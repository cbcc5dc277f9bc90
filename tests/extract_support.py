"""Helpers for the extraction tests: a SourceDocument from a string, and facts by type."""

from __future__ import annotations

from pathlib import Path

from ingest.extract import extract_facts
from ingest.model import DocumentRecord, EventRecord, Facts
from ingest.readers import SourceDocument


def document(text: str, name: str = "report.txt", published: str | None = None) -> SourceDocument:
    return SourceDocument(path=Path(name), text=text, record=DocumentRecord(file=name, published=published, text=text))


def facts(text: str, published: str | None = None) -> Facts:
    return extract_facts(document(text, published=published))


def events_of(f: Facts, kind: str) -> list[EventRecord]:
    return [e for e in f.events if e.type == kind]


def one(f: Facts, kind: str) -> EventRecord:
    found = events_of(f, kind)
    assert len(found) == 1, f"expected one {kind} event, got {found}"
    return found[0]
