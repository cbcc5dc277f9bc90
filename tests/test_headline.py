"""A plain-text report's headline (ingest/extract/headline.py), from a table of openings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ingest.extract.dates import find_dates
from ingest.extract.headline import headline
from ingest.extract.text import clean

CASES: list[dict[str, Any]] = yaml.safe_load(
    (Path(__file__).parent / "fixtures" / "headlines.yaml").read_text(encoding="utf-8")
)


@pytest.mark.parametrize("case", CASES, ids=[str(c["headline"])[:40] for c in CASES])
def test_headline_of_an_opening(case: dict[str, Any]) -> None:
    ct = clean(case["text"])
    assert headline(ct, find_dates(ct)) == case["headline"]


def test_a_built_text_document_is_named_by_its_headline(tmp_path: Path) -> None:
    from ingest.pipeline import build
    from ingest.store import connect

    doc = tmp_path / "report.txt"
    doc.write_text(CASES[0]["text"], encoding="utf-8")
    from ingest.store.view import full_view

    store = connect(tmp_path / "store")
    build([doc], store)
    titles = "PREFIX dct: <http://purl.org/dc/terms/> SELECT ?t WHERE { GRAPH ?g { ?d dct:title ?t } }"
    rows = full_view(store).select(titles)
    assert [r["t"] for r in rows] == [CASES[0]["headline"]]
