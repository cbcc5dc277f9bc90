"""Extraction: a SourceDocument -> Facts (records with evidence), never triples."""

from __future__ import annotations

from ingest.model import Facts
from ingest.readers import SourceDocument


def extract_facts(document: SourceDocument) -> Facts:
    return Facts(document=document.record)
