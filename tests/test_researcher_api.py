"""Issue 14 through a real server: CSV from every list endpoint (content negotiation and
?format=csv), facet counts that add up, the labels and vocabulary the query editor uses,
shared query URLs, and documents named "Publisher, date: title"."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ingest.store.embedded import EmbeddedStore
from tests.api_support import DEFENDER, fill
from tests.serving import running_server

LISTS = {
    "/api/persons": "persons",
    "/api/organisations": "organisations",
    "/api/authorities": "authorities",
    "/api/events": "events",
    "/api/documents": "documents",
    "/api/conflicts": "conflicts",
    "/api/proceedings": "proceedings",
    "/api/passages?q=arrested": "passages",
    "/api/examples": "examples",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path: Path = tmp_path_factory.mktemp("researcher-api") / "store"
    store = fill(EmbeddedStore(path))
    store.flush()
    store.close()
    with running_server(path, "--workers", "1") as base:
        yield base


def _csv(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.text)))


@pytest.mark.parametrize("path", list(LISTS))
def test_every_list_answers_csv_by_accept_and_by_format(server: str, path: str) -> None:
    sep = "&" if "?" in path else "?"
    as_json = httpx.get(server + path + ("" if "examples" in path else sep + "limit=500")).json()
    by_accept = _csv(httpx.get(server + path, headers={"Accept": "text/csv"}))
    by_format = _csv(httpx.get(server + path + sep + "format=csv"))
    assert by_accept == by_format
    assert len(by_format) == as_json["total"] == len(as_json["items"]), path
    assert by_format, f"{path}: the fixture store has items"
    # JSON stays the default, and for a client that prefers it
    assert (
        httpx.get(server + path, headers={"Accept": "application/json, text/csv;q=0.5"})
        .headers["content-type"]
        .startswith("application/json")
    )


def test_csv_cells_are_flat_and_the_whole_list_comes_by_default(server: str) -> None:
    rows = _csv(httpx.get(server + "/api/events", params={"format": "csv"}))
    total = httpx.get(server + "/api/events").json()["total"]
    assert len(rows) == total > 50, "a CSV export holds the whole list, not the first JSON page"
    arrest = next(r for r in rows if r["type"] == "arrest" and DEFENDER in r["people"])
    assert arrest["quotes"].startswith("Police arrested")
    assert "{" not in "".join(arrest.values()), "no nested JSON in a cell"
    page = httpx.get(server + "/api/events", params={"format": "csv", "limit": 5})
    assert len(_csv(page)) == 5
    assert page.headers["x-total-count"] == str(total)
    assert 'rel="next"' in page.headers["link"] and "offset=5" in page.headers["link"]
    assert httpx.get(server + "/api/events", params={"limit": 600}).status_code == 422  # JSON pages stay small


def test_facet_counts_say_what_each_choice_gives(server: str) -> None:
    body = httpx.get(server + "/api/events", params={"limit": 1}).json()
    types = {f["value"]: f["count"] for f in body["facets"]["type"]}
    assert sum(types.values()) == body["total"]
    for value, count in list(types.items())[:3]:
        assert httpx.get(server + "/api/events", params={"type": value}).json()["total"] == count
    documents = httpx.get(server + "/api/documents").json()
    for name in ("publisher", "year", "language", "extraction"):
        for f in documents["facets"][name]:
            kept = httpx.get(server + "/api/documents", params={name: f["value"]}).json()
            assert kept["total"] == f["count"], (name, f)
    persons = httpx.get(server + "/api/persons", params={"kind": "defender"}).json()
    assert next(f for f in persons["facets"]["kind"] if f["value"] == "defender") == {
        "value": "defender",
        "count": persons["total"],
        "selected": True,
    }
    judges = httpx.get(server + "/api/authorities", params={"role": "judge"}).json()
    assert judges["total"] and all(any(a["role"] == "judge" for a in x["acts"]) for x in judges["items"])


def test_list_pages_have_filters_with_counts_and_a_csv_link(server: str) -> None:
    pages = (("/events", "type"), ("/documents", "publisher"), ("/persons", "kind"), ("/authorities", "role"))
    for path, name in pages:
        html = httpx.get(server + path).text
        assert f'<select name="{name}">' in html, path
        assert 'class="download"' in html and "format=csv" in html, path
    html = httpx.get(server + "/events", params={"type": "transfer", "person": ""}).text
    assert '<option value="transfer" selected>transfer (' in html


def test_documents_are_named_by_publisher_date_and_title(server: str) -> None:
    docs = {d["id"]: d for d in httpx.get(server + "/api/documents").json()["items"]}
    assert docs["900-synthetic-a"]["label"] == "Veldoria Rights Watch, 7 Mar 2021: Lawyer arrested in Northbridge"
    assert docs["901-synthetic-b"]["label"] == "Veldoria Rights Watch, 2 Apr 2021"
    event = httpx.get(server + "/api/events", params={"type": "transfer", "person": DEFENDER}).json()["items"][0]
    assert event["sources"][0]["document"]["label"] == "Veldoria Rights Watch, 2 Apr 2021"


def test_labels_and_vocabulary_for_the_editor(server: str) -> None:
    iris = [
        "https://w3id.org/casegraph/id/document/900-synthetic-a",
        "https://w3id.org/casegraph/id/person/jovan-markovich",
        "https://example.org/not-ours",
    ]
    labels = httpx.post(server + "/api/labels", json=iris).json()["labels"]
    assert labels == {
        iris[0]: "Veldoria Rights Watch, 7 Mar 2021: Lawyer arrested in Northbridge",
        iris[1]: DEFENDER,
    }
    assert httpx.post(server + "/api/labels", json=["x"] * 1001).status_code == 422
    vocabulary = httpx.get(server + "/api/vocabulary").json()
    assert vocabulary["prefixes"]["cg"] == "https://w3id.org/casegraph/ontology#"
    transfer = next(t for t in vocabulary["terms"]["cg"] if t["name"] == "Transfer")
    assert transfer["kind"] == "class" and transfer["label"]


def test_a_shared_query_url_opens_the_editor_with_that_query(server: str) -> None:
    query = 'SELECT ?s WHERE { ?s a <https://w3id.org/casegraph/ontology#Arrest> } # "quoted" & <b>'
    html = httpx.get(server + "/query", params={"query": query}).text
    assert "SELECT ?s WHERE { ?s a &lt;https://w3id.org/casegraph/ontology#Arrest&gt; }" in html
    assert "&#34;quoted&#34; &amp; &lt;b&gt;" in html, "the query is text in the page, never markup"
    assert '<script src="/static/editor.js"' in html
    licence = httpx.get(server + "/static/editor.LICENSES.txt")
    assert licence.status_code == 200 and "@codemirror/view" in licence.text and "MIT" in licence.text
