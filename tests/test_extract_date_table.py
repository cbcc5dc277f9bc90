"""Dates as a table: sentences of our own (tests/fixtures/dates/*.yaml) -> the dates their
mentions resolve to, the document's own date, and the date and status each event takes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from ingest.extract.dates import find_dates
from ingest.extract.metadata import published_date, url_date
from ingest.extract.text import clean
from tests.extract_support import events_of, facts

TABLES = Path(__file__).parent / "fixtures" / "dates"
MENTIONS = yaml.safe_load((TABLES / "mentions.yaml").read_text(encoding="utf-8"))
EVENTS = yaml.safe_load((TABLES / "events.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", MENTIONS, ids=[c["text"][:50] for c in MENTIONS])
def test_date_mentions_resolve(case: dict[str, Any]) -> None:
    ct = clean(case["text"])
    in_url = url_date(case.get("url"))
    dates = find_dates(ct, case.get("published"), in_url)
    published = case.get("published") or published_date(ct, dates)
    if "published_found" in case:
        assert published == case["published_found"]
    if published and not case.get("published"):
        dates = find_dates(ct, published, in_url)
    assert [d.iso for d in dates] == case["dates"], [(d.text, d.iso) for d in dates]


@pytest.mark.parametrize("case", EVENTS, ids=[c["text"][:50] for c in EVENTS])
def test_each_event_takes_the_date_of_its_own_clause(case: dict[str, Any]) -> None:
    f = facts(case["text"], published=case.get("published"))
    for kind, want in case["events"].items():
        found = events_of(f, kind)
        if want == "absent":
            assert found == [], found
            continue
        assert len(found) == 1, f"expected one {kind} event, got {f.events}"
        expected = want if isinstance(want, dict) else {"date": want}
        assert found[0].date == expected["date"], found[0]
        if "status" in expected:
            assert found[0].status == expected["status"], found[0]
