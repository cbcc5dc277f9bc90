"""GET /api/conflicts on the gold-built store, the person-timeline helper, and the example
SPARQL query that lists conflicts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.fused.conflicts import NO_QUOTE, conflicts_for_person
from api.settings import Settings
from ingest.store.embedded import EmbeddedStore
from ingest.vocab import CG
from tests.fusion_gold import build_gold_store

EXAMPLE = Path(__file__).resolve().parent.parent / "api" / "examples" / "conflicts.rq"


@pytest.fixture(scope="module")
def store_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gold") / "store"
    build_gold_store(path)
    return path


@pytest.fixture(scope="module")
def client(store_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=store_path))) as c:
        yield c


def test_lists_every_conflict_with_values_and_sources(client: TestClient) -> None:
    body = client.get("/api/conflicts").json()
    assert body["total"] == len(body["items"]) >= 4
    for c in body["items"]:
        assert len(c["values"]) >= 2
        for v in c["values"]:
            assert v["support"] == len(v["sources"]) >= 1
            for s in v["sources"]:
                assert s["document"]["href"].startswith("/id/document/") and s["document"]["label"]
                # curated facts carry no quotes, and say so
                assert s["quotes"] or s["note"] == NO_QUOTE
        chosen = [v for v in c["values"] if v["chosen"]]
        assert (c["resolution"] in ("majority", "earliest-of-tie")) == bool(chosen) == (c["chosen"] is not None)


def test_transfer_date_conflict_names_both_sources(client: TestClient) -> None:
    body = client.get("/api/conflicts", params={"type": "transfer", "property": "date"}).json()
    assert body["total"] == 1
    conflict = body["items"][0]
    assert conflict["event_type"] == "transfer" and conflict["property"] == "date"
    by_value = {v["value"]: {s["document"]["iri"] for s in v["sources"]} for v in conflict["values"]}
    assert len(by_value) == 2
    assert not set.intersection(*by_value.values())  # each source on one side only
    assert conflict["chosen"] == max(by_value, key=lambda v: len(by_value[v]))


def test_filters_and_paging(client: TestClient) -> None:
    every = client.get("/api/conflicts").json()
    dates = client.get("/api/conflicts", params={"property": "date"}).json()
    assert 0 < dates["total"] < every["total"]
    assert all(c["property"] == "date" for c in dates["items"])
    page = client.get("/api/conflicts", params={"limit": 1, "offset": 1}).json()
    assert page["total"] == every["total"] and len(page["items"]) == 1
    assert page["items"][0]["iri"] == every["items"][1]["iri"]
    nobody = client.get("/api/conflicts", params={"person": "no-such-person"}).json()
    assert nobody["total"] == 0
    assert client.get("/api/conflicts", params={"type": "teleport"}).status_code == 422
    assert client.get("/api/conflicts", params={"property": "colour"}).status_code == 422


def test_person_filter_matches_the_helper_for_the_timeline(client: TestClient, store_path: Path) -> None:
    every = client.get("/api/conflicts").json()["items"]
    subject = next(c for c in every if c["about_kind"] == "person")["about"]
    via_api = client.get("/api/conflicts", params={"person": subject["id"]}).json()["items"]
    store = EmbeddedStore(store_path, read_only=True)
    try:
        direct = conflicts_for_person(store, subject["iri"])
    finally:
        store.close()
    assert [c["iri"] for c in direct] == [c["iri"] for c in via_api]
    # a person's conflicts: about them, or about an event that concerns them
    assert any(c["about_kind"] == "person" for c in direct) and any(c["about_kind"] == "event" for c in direct)


def test_example_query_lists_the_conflicts(store_path: Path) -> None:
    store = EmbeddedStore(store_path, read_only=True)
    try:
        rows = store.select(EXAMPLE.read_text(encoding="utf-8"))
    finally:
        store.close()
    transfer = [r for r in rows if (r["about"] or "").startswith("transfer") and r["property"] == str(CG.date)]
    assert len({r["value"] for r in transfer}) == 2
    assert len({r["file"] for r in transfer}) >= 2
