"""HTML pages, each rendering the same data as its JSON twin."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.examples import examples
from api.settings import Settings
from tests.api_support import DEFENDER, api_store

HTML = {"Accept": "text/html"}
PUBLIC = "https://data.example.org"  # published URLs start here, whatever Host a request sends


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(Settings(store=tmp_path_factory.mktemp("unused") / "store", public_url=PUBLIC))
    app.state.store = api_store()
    yield TestClient(app)


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_home_shows_the_counts_of_its_json_twin(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    stats = client.get("/api/stats").json()
    for what in ("documents", "persons", "organisations", "events"):
        m = re.search(rf'data-what="{what}"><span class="n">(\d+)</span>', r.text)
        assert m and int(m.group(1)) == stats["counts"][what] > 0, what
    assert stats["counts"]["documents"] == 7
    assert 'href="/api/stats"' in r.text
    newest = stats["recent_documents"][0]
    assert newest["href"] in r.text
    assert "counts.rq" in stats["queries"]


def test_person_page_shows_the_timeline_with_quotes(client: TestClient) -> None:
    r = client.get("/id/person/jovan-markovich", headers=HTML)
    assert r.status_code == 200
    page = r.text
    timeline = page.split('id="timeline"', 1)[1]
    types = re.findall(r'<article class="event" data-type="([a-z-]+)"', timeline)
    assert types == ["arrest", "charge", "pretrial-detention", "transfer"]
    assert text_of(timeline).count("Police arrested Jovan Markovich") == 1
    assert "moved from Lakeside Remand Centre to Eastfield Colony" in text_of(timeline)
    assert f'<h1 class="entity">{DEFENDER}</h1>' in page


def test_person_page_shows_the_fused_timeline_and_disagreements(client: TestClient) -> None:
    page = client.get("/id/person/maks-bokaev", headers=HTML).text
    assert '<figure class="cg-timeline">' in page, "the visual timeline of the fused view"
    assert "Sources disagree" in page
    assert "this source says 2017-01-28, others say 2017-01-27" in text_of(page)


def test_entity_pages_link_their_json_twin(client: TestClient) -> None:
    for path in (
        "/id/organisation/northbridge-district-court",
        "/id/document/900-synthetic-a",
        "/id/place/northbridge",
    ):
        r = client.get(path, headers=HTML)
        assert r.status_code == 200, path
        assert f'href="{PUBLIC}{path}?format=json"' in r.text
        assert client.get(f"{path}?format=json").json()["iri"].endswith(path.removeprefix("/id"))


def test_event_and_document_pages(client: TestClient) -> None:
    event = client.get("/api/events", params={"type": "charge", "person": DEFENDER}).json()["items"][0]
    page = text_of(client.get(event["href"], headers=HTML).text)
    assert "Penal Code 212" in page and "charged under Article 212 of the Penal Code" in page
    doc = text_of(client.get("/id/document/900-synthetic-a", headers=HTML).text)
    assert "Veldoria Rights Watch" in doc and "conforms" in doc and "Events (4)" in doc


def test_list_pages_paginate_and_search(client: TestClient) -> None:
    page = client.get("/persons", params={"q": "Markovic"}).text
    assert "1 found" in page and "/id/person/jovan-markovich" in page
    events = client.get("/events", params={"limit": 10}).text
    total = client.get("/api/events").json()["total"]
    assert f"{total} found; showing 1–10" in events
    assert 'href="/events?limit=10&amp;offset=10"' in events
    assert client.get("/events", params={"type": "nonsense"}).status_code == 422
    for path in ("/organisations", "/authorities", "/documents"):
        assert client.get(path).status_code == 200, path


def test_query_page_offers_every_example(client: TestClient) -> None:
    r = client.get("/query")
    assert r.status_code == 200
    ids = re.findall(r'data-example="([^"]+)"', r.text)
    assert ids == [e.id for e in examples()] and len(ids) >= 12
    assert '<textarea id="query"' in r.text and 'id="run"' in r.text
    chosen = client.get("/query", params={"example": "04-transfers"}).text
    assert "cg:Transfer" in unescape(chosen.split("<textarea", 1)[1].split("</textarea>", 1)[0])
    listed = client.get("/api/examples").json()
    assert listed["total"] == len(ids)
    assert client.get("/api/examples/04-transfers").json()["title"].startswith("Transfers")
    assert client.get("/api/examples/nope").status_code == 404


def test_static_files_and_no_escape_from_the_folder(client: TestClient) -> None:
    assert client.get("/static/style.css").headers["content-type"].startswith("text/css")
    assert client.get("/static/query.js").status_code == 200
    assert client.get("/static/..%2Fapp.py").status_code == 404
    assert client.get("/static/nothing.css").status_code == 404
