"""Proceedings on the gold-built store: the list, one proceeding with its people and sources,
the timeline's JSON twin, and the page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.fusion_gold import build_gold_store


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("gold") / "store"
    build_gold_store(path)
    with TestClient(create_app(Settings(store=path))) as c:
        yield c


@pytest.fixture(scope="module")
def biggest(client: TestClient) -> dict[str, Any]:
    items = client.get("/api/proceedings").json()["items"]
    return max(items, key=lambda p: p["steps"])


def test_list_and_person_filter(client: TestClient, biggest: dict[str, Any]) -> None:
    body = client.get("/api/proceedings").json()
    assert body["total"] == len(body["items"]) >= 2
    defendant = biggest["defendants"][0]
    mine = client.get("/api/proceedings", params={"person": defendant["id"]}).json()["items"]
    assert biggest["iri"] in [p["iri"] for p in mine]
    assert all(defendant["iri"] in [d["iri"] for d in p["defendants"]] for p in mine)


def test_one_proceeding_has_steps_people_and_sources(client: TestClient, biggest: dict[str, Any]) -> None:
    p = client.get(f"/api/proceedings/{biggest['id']}").json()
    assert len(p["events"]) == biggest["steps"]
    types = {e["type"] for e in p["events"]}
    assert {"charge", "conviction", "sentence", "transfer"} <= types
    for e in p["events"]:
        assert e["sources"], f"{e['label']} has no source"
        assert e["proceeding"]["iri"] == p["iri"]
    people = p["participants"]
    assert people["defendants"] and people["judges"] and people["courts"] and people["facilities"]
    # the disagreements inside the case are listed with it
    assert {c["property"] for c in p["conflicts"]} >= {"date"}
    assert all(c["about"]["iri"] in {e["iri"] for e in p["events"]} for c in p["conflicts"])


def test_timeline_twin_matches_the_events(client: TestClient, biggest: dict[str, Any]) -> None:
    p = client.get(f"/api/proceedings/{biggest['id']}").json()
    t = client.get(f"/api/proceedings/{biggest['id']}/timeline").json()
    dated = [e for e in p["events"] if e["earliest"]]
    assert len(t["items"]) == len(dated)
    assert len(t["undated"]) == len(p["events"]) - len(dated)
    xs = [i["x"] for i in t["items"]]
    assert all(0 <= x <= t["width"] for x in xs)
    disputed = [i for i in t["items"] if i["disputed"]]
    date_conflicts = [c for c in p["conflicts"] if c["property"] == "date"]
    assert len(disputed) == len(date_conflicts)
    for item in disputed:
        assert len(item["alternatives"]) >= 2 and all(a["sources"] for a in item["alternatives"])
        assert item["x2"] > item["x"]  # drawn as a range
    # labels are spread over several rows
    by_lane: dict[int, list[dict[str, Any]]] = {}
    for i in t["items"]:
        by_lane.setdefault(i["lane"], []).append(i)
    assert len(by_lane) >= 2


def test_page_draws_the_timeline(client: TestClient, biggest: dict[str, Any]) -> None:
    r = client.get(f"/proceedings/{biggest['id']}")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "<svg" in r.text and "(disputed)" in r.text
    for d in client.get(f"/api/proceedings/{biggest['id']}").json()["documents"]:
        assert d["label"] in r.text


def test_unknown_proceeding_is_404(client: TestClient) -> None:
    assert client.get("/api/proceedings/0000000000000000").status_code == 404
    assert client.get("/proceedings/0000000000000000").status_code == 404
