"""The curated JSON API over a fixed store (gold facts + synthetic documents with quotes)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.curated.search import score
from api.settings import Settings
from tests.api_support import DEFENDER, SCRIPT_NAME, TEXT_A, api_store

QUERIES = Path(__file__).resolve().parent.parent / "api" / "queries"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(Settings(store=tmp_path_factory.mktemp("unused") / "store"))
    app.state.store = api_store()
    yield TestClient(app)


def get(client: TestClient, url: str, status: int = 200, **kw: Any) -> Any:
    r = client.get(url, follow_redirects=False, **kw)
    assert r.status_code == status, (url, r.status_code, r.text[:500])
    return r.json() if r.headers.get("content-type", "").startswith("application/json") else r


def assert_names_query_files(body: dict[str, Any]) -> None:
    assert body["queries"], "every response names the SPARQL it ran"
    for name in body["queries"]:
        assert (QUERIES / name).is_file() or name.endswith(".rq"), name


# --- search -------------------------------------------------------------------------------


def test_search_score_folds_romanisation_and_typos() -> None:
    assert score("Aliev", "Ilham Aliyev") == 100
    assert score("kasymov", "Kassymov") == 100
    assert score("Markovic", "Jovan Markovich") == 100
    assert score("Jovn Markovich", "Jovan Markovich") >= 80
    assert score("Petrov", "Jovan Markovich") < 80


def test_person_search_is_tolerant_of_transliteration(client: TestClient) -> None:
    for q in ("Bokaev", "Bokayev", "max bokaev"):
        body = get(client, "/api/persons", params={"q": q})
        ids = [p["id"] for p in body["items"]]
        assert ids[:1] == ["maks-bokaev"], (q, ids)
        assert {"Max Bokayev", "Maks Bokaev"} <= set(body["items"][0]["names"])
    assert get(client, "/api/persons", params={"q": "Zzyzx Qwerty"})["total"] == 0


def test_person_kind_filter_and_bad_kind(client: TestClient) -> None:
    body = get(client, "/api/persons", params={"kind": "authority", "limit": 500})
    assert body["total"] > 0
    assert all("authority" in p["kinds"] for p in body["items"])
    assert "maks-bokaev" not in {p["id"] for p in body["items"]}
    get(client, "/api/persons?kind=villain", status=422)


def test_lists_are_paginated_with_totals_and_a_cap(client: TestClient) -> None:
    everyone = get(client, "/api/persons", params={"limit": 500})
    page = get(client, "/api/persons", params={"limit": 3, "offset": 2})
    assert page["total"] == everyone["total"] > 5
    assert [p["iri"] for p in page["items"]] == [p["iri"] for p in everyone["items"][2:5]]
    assert page["limit"] == 3 and page["offset"] == 2
    assert_names_query_files(page)
    get(client, "/api/persons?limit=100000", status=422)
    get(client, "/api/persons?offset=-1", status=422)


def test_merged_people_appear_once_under_the_surviving_iri(client: TestClient) -> None:
    body = get(client, "/api/persons", params={"q": "Markovic"})
    # one person, published under the readable slug of the fullest spelling the sources use
    assert [p["id"] for p in body["items"]] == ["jovan-markovich"]
    assert body["items"][0]["label"] == "Jovan Markovich"
    assert {"Jovan Markovich", "Yovan Markovic"} <= set(body["items"][0]["names"])
    # the IRI minting gave (the transliteration key) answers 308 to it
    moved = client.get("/api/persons/jovan-markovic", follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"].endswith("/api/persons/jovan-markovich")


# --- one person, timeline ---------------------------------------------------------------------


def test_person_detail_says_what_each_document_states(client: TestClient) -> None:
    body = get(client, "/api/persons/maks-bokaev")
    assert body["kinds"] == ["defender"]
    # documents are named "Publisher, date: title" (issue 14); their ids are the file stems
    files = sorted(s["document"]["id"] for s in body["statements"])
    assert files == [
        f"00{i}-{h}"
        for i, h in enumerate(
            ["b516ece4702526e0", "b892942a93580fde", "705051113152312f", "79e8e8c86953ffc2", "d3be9377028299ff"]
        )
    ]
    doc0 = next(s for s in body["statements"] if s["document"]["id"].startswith("000-"))
    assert doc0["affiliation"]["label"] == "Arlan"
    assert doc0["residence"]["label"] == "Atyrau"
    assert_names_query_files(body)


def test_timeline_is_in_date_order_with_sources(client: TestClient) -> None:
    body = get(client, "/api/persons/maks-bokaev/timeline")
    events = body["events"]
    assert body["total"] == len(events) == 40
    dated = [e["date"] for e in events if e["date"]]
    assert dated == sorted(dated)
    first_undated = next(i for i, e in enumerate(events) if not e["date"])
    assert all(not e["date"] for e in events[first_undated:]), "undated events come last"
    assert all(e["sources"] and e["sources"][0]["document"]["iri"] for e in events)
    transfer = next(e for e in events if e["type"] == "transfer" and e["date"] == "2017-01-27")
    assert transfer["arguments"]["from"][0]["label"] == "Atyrau pre-trial detention centre"
    assert "conflicts" in transfer
    conviction = next(e for e in events if e["type"] == "conviction" and e["arguments"].get("judge"))
    assert conviction["arguments"]["judge"][0]["label"] == "Gulnara Dauleshova"
    assert {p["label"] for p in conviction["arguments"]["provisions"]} == {
        "Criminal Code 174",
        "Criminal Code 274",
        "Criminal Code 400",
    }


def test_timeline_carries_quotes_with_offsets_and_follows_merges(client: TestClient) -> None:
    body = get(client, "/api/persons/jovan-markovich/timeline")
    assert [e["type"] for e in body["events"]] == ["arrest", "charge", "pretrial-detention", "transfer"]
    arrest = body["events"][0]
    quote = arrest["sources"][0]["quotes"][0]
    assert TEXT_A[quote["start"] : quote["end"]] == quote["quote"]
    assert quote["quote"].startswith("Police arrested")
    assert arrest["date_precision"] == "day"
    transfer = body["events"][-1]
    assert transfer["sources"][0]["document"]["id"] == "901-synthetic-b", "the merged spelling's events count"


def test_merged_and_unknown_people(client: TestClient) -> None:
    r = get(client, "/api/persons/ovan-markovic/timeline?x=1", status=308)
    assert r.headers["location"] == "/api/persons/jovan-markovich/timeline?x=1"
    body = get(client, "/api/persons/nobody-at-all", status=404)
    assert "nobody-at-all" in body["detail"]
    get(client, "/api/persons/has%20space", status=404)


# --- organisations, authorities -----------------------------------------------------------------


def test_organisations_by_kind_and_detail(client: TestClient) -> None:
    courts = get(client, "/api/organisations", params={"kind": "court", "limit": 500})
    labels = {o["label"] for o in courts["items"]}
    assert "Northbridge District Court" in labels
    assert any(label.startswith("Supreme Court") for label in labels)
    assert all(o["kind"] == "court" for o in courts["items"])
    get(client, "/api/organisations?kind=club", status=422)
    court = get(client, "/api/organisations/northbridge-district-court")
    assert court["kind"] == "court"
    assert [(a["role"], a["event"]["type"]) for a in court["acts"]] == [("authority", "pretrial-detention")]
    assert court["statements"][0]["place"]["label"] == "Northbridge"
    get(client, "/api/organisations/no-such-body", status=404)


def test_authorities_say_what_they_did(client: TestClient) -> None:
    body = get(client, "/api/authorities", params={"limit": 500})
    by_label = {a["label"]: a for a in body["items"]}
    judge = by_label["Gulnara Dauleshova"]
    assert judge["kind"] == "person"
    assert {(a["type"], a["role"]) for a in judge["acts"]} == {("conviction", "judge"), ("sentence", "judge")}
    court = by_label["Northbridge District Court"]
    assert [(a["type"], a["date"]) for a in court["acts"]] == [("pretrial-detention", "2021-03-06")]
    # Officials with no recorded act are listed too, with their post.
    official = next(a for a in body["items"] if not a["acts"] and a["positions"])
    assert official["kind"] == "person"


# --- events ------------------------------------------------------------------------------------


def test_event_filters(client: TestClient) -> None:
    transfers = get(client, "/api/events", params={"type": "transfer", "limit": 500})
    assert transfers["total"] == 9 and all(e["type"] == "transfer" for e in transfers["items"])
    mine = get(client, "/api/events", params={"person": DEFENDER})
    assert [e["type"] for e in mine["items"]] == ["arrest", "charge", "pretrial-detention", "transfer"]
    by_id = get(client, "/api/events", params={"person": "jovan-markovich", "from": "2021-03-05", "to": "2021-03"})
    assert [e["date"] for e in by_id["items"]] == ["2021-03-05", "2021-03-06"]
    almaty = get(client, "/api/events", params={"place": "Almaty"})
    assert [(e["type"], e["arguments"]["outcome"]) for e in almaty["items"]] == [("appeal-decision", "overturned")]
    year = get(client, "/api/events", params={"from": "2015", "to": "2015", "limit": 500})
    assert year["total"] >= 1 and all(e["date"].startswith("2015") for e in year["items"])


def test_event_filter_errors(client: TestClient) -> None:
    assert "not one of" in get(client, "/api/events?type=party", status=422)["detail"]
    get(client, "/api/events?from=May%202016", status=422)
    get(client, "/api/events?from=2017&to=2016", status=422)
    assert "nobody" in get(client, "/api/events?person=nobody", status=404)["detail"]


def test_one_event(client: TestClient) -> None:
    first = get(client, "/api/events", params={"type": "charge", "person": DEFENDER})["items"][0]
    body = get(client, f"/api/events/{first['id']}")
    assert body["type"] == "charge" and body["date"] == "2021-03-05" and body["status"] == "occurred"
    assert body["arguments"]["provisions"][0]["label"] == "Penal Code 212"
    assert body["sources"][0]["quotes"][0]["quote"] == "charged under Article 212 of the Penal Code"
    assert_names_query_files(body)
    get(client, "/api/events/900-synthetic-a-000000000000", status=404)


# --- documents ---------------------------------------------------------------------------------


def test_documents_newest_first_with_counts(client: TestClient) -> None:
    body = get(client, "/api/documents")
    assert body["total"] == 7
    published = [d["published"] for d in body["items"] if d["published"]]
    assert published == sorted(published, reverse=True)
    assert body["items"][0]["id"] == "901-synthetic-b"
    gold0 = next(d for d in body["items"] if d["file"] == "000_b516ece4702526e0.txt")
    assert gold0["counts"]["events"] == 15 and gold0["extraction"] == "curated"
    assert gold0["reference"] == "KAZ 001 / 1016 / OBS 085.4"


def test_document_detail_gives_its_facts_and_validation(client: TestClient) -> None:
    body = get(client, "/api/documents/900-synthetic-a")
    assert body["title"] == "Lawyer arrested in Northbridge"
    assert body["publishers"] == ["Veldoria Rights Watch"]
    assert [e["type"] for e in body["facts"]["events"]] == ["arrest", "summons", "charge", "pretrial-detention"]
    assert {p["label"] for p in body["facts"]["people"]} == {DEFENDER, SCRIPT_NAME}
    assert body["validation"]["status"] == "conforms"
    get(client, "/api/documents/nope", status=404)


def test_openapi_documents_every_json_route(client: TestClient) -> None:
    paths = get(client, "/openapi.json")["paths"]
    for path in (
        "/api/persons",
        "/api/persons/{person_id}",
        "/api/persons/{person_id}/timeline",
        "/api/organisations",
        "/api/organisations/{org_id}",
        "/api/authorities",
        "/api/events",
        "/api/events/{event_id}",
        "/api/documents",
        "/api/documents/{document_id}",
    ):
        assert path in paths, path
    params = {p["name"] for p in paths["/api/events"]["get"]["parameters"]}
    assert {"type", "person", "from", "to", "place", "limit", "offset"} <= params


def test_timeline_events_carry_the_disagreements_between_sources(client: TestClient) -> None:
    body = get(client, "/api/persons/maks-bokaev/timeline")
    assert ("date", "transfer") in {(c["property"], c.get("event_type")) for c in body["conflicts"]}
    transfers = {(e["date"], e["sources"][0]["document"]["id"]): e for e in body["events"] if e["type"] == "transfer"}
    says_28 = transfers[("2017-01-28", "001-b892942a93580fde")]["conflicts"]
    assert [(c["property"], c["this_source"]) for c in says_28] == [("date", "2017-01-28")]
    assert {v["value"] for v in says_28[0]["values"]} == {"2017-01-27", "2017-01-28"}
    undisputed = next(e for e in body["events"] if e["type"] == "trial-start")
    assert undisputed["conflicts"] == []
