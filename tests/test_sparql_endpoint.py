"""The /sparql endpoint in-process (FastAPI TestClient, real store, real worker processes):
protocol forms, result formats, datasets, the service description, limits and refusals."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef

from api.app import create_app
from api.clients import ClientRequest
from api.settings import Settings
from tests.serving import PROTOCOL_DATA, SLOW_QUERY, load_store

EX = "http://example.org/protocol-check/"
FOAF = "http://xmlns.com/foaf/0.1/"
D1, D2, D3 = (f"urn:x-w3c-protocol:data{i}.rdf" for i in (1, 2, 3))
JSON = "application/sparql-results+json"
ROW_CAP = 5


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = load_store(tmp_path_factory.mktemp("sparql") / "store", PROTOCOL_DATA)
    settings = Settings(store=store, query_timeout=5.0, row_cap=ROW_CAP, workers=2, max_query_depth=20)
    with TestClient(create_app(settings, client_key=by_test_header)) as c:
        yield c


def by_test_header(request: ClientRequest) -> str:
    """Clients told apart by a header, as a token scheme would (api.clients is pluggable)."""
    return request.header("x-test-client") or request.address


def ask(client: TestClient, query: str, **params: str | list[str]) -> bool:
    r = client.get("/sparql", params={"query": query, **params}, headers={"Accept": JSON})
    assert r.status_code == 200, r.text
    return bool(r.json()["boolean"])


def test_get_form_and_direct_post_give_the_same_rows(client: TestClient) -> None:
    q = f"SELECT ?n WHERE {{ ?s <{FOAF}name> ?n }} ORDER BY ?n"
    got = [
        client.get("/sparql", params={"query": q}),
        client.post("/sparql", data={"query": q}),
        client.post("/sparql", content=q, headers={"Content-Type": "application/sparql-query"}),
    ]
    for r in got:
        assert r.status_code == 200
        assert r.headers["content-type"] == JSON
        assert [b["n"]["value"] for b in r.json()["results"]["bindings"]] == ["Alice", "Bob"]


def test_default_graph_is_the_union_of_all_graphs(client: TestClient) -> None:
    # the default-graph fixture and a named graph's triple, in one pattern without GRAPH
    assert ask(client, f'ASK {{ <{EX}alice> <{FOAF}name> "Alice" . <{D1}> a <{FOAF}Document> }}')


def test_protocol_dataset_restricts_the_graphs(client: TestClient) -> None:
    assert ask(client, f"ASK {{ <{D1}> a ?t }}", **{"default-graph-uri": D1})
    assert not ask(client, f"ASK {{ <{D2}> a ?t }}", **{"default-graph-uri": D1})
    assert not ask(client, f"ASK {{ GRAPH ?g {{ <{D2}> a ?t }} }}", **{"named-graph-uri": D1})
    # FROM in the query is honoured when the protocol names no dataset
    assert not ask(client, f"ASK FROM <{D3}> {{ <{D1}> a ?t }}")
    # a graph name that is not in the store is an empty graph, never fetched
    assert not ask(client, "ASK { ?s ?p ?o }", **{"default-graph-uri": "http://127.0.0.1:9/remote.ttl"})


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (JSON, JSON),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("application/json", JSON),
        ("text/html;q=0.9, text/csv;q=0.5", "text/csv"),
    ],
)
def test_select_formats_by_accept(client: TestClient, accept: str, media: str) -> None:
    q = f"SELECT ?s ?note WHERE {{ ?s <{EX}note> ?note }}"
    r = client.get("/sparql", params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert "Accept" in r.headers["vary"]
    note = 'comma, "quote"\nnewline\ttab'
    if media == "text/csv":
        rows = list(csv.reader(io.StringIO(r.text, newline="")))
        assert rows == [["s", "note"], [EX + "alice", note]]
        assert r.text.endswith("\r\n")
    elif media == "text/tab-separated-values":
        lines = r.text.rstrip("\n").split("\n")
        assert lines[0] == "?s\t?note"
        assert lines[1] == f'<{EX}alice>\t"comma, \\"quote\\"\\nnewline\\ttab"'
    elif media == JSON:
        assert r.json()["results"]["bindings"][0]["note"] == {"type": "literal", "value": note}
    else:
        assert '<literal>comma, "quote"\nnewline\ttab</literal>' in r.text


@pytest.mark.parametrize(
    ("accept", "rdflib_format"),
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
    ],
)
def test_construct_formats_by_accept(client: TestClient, accept: str, rdflib_format: str) -> None:
    q = f"CONSTRUCT {{ ?s <{FOAF}name> ?n }} WHERE {{ ?s a <{FOAF}Person> ; <{FOAF}name> ?n }}"
    r = client.post("/sparql", data={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == accept
    g = Graph().parse(data=r.content, format=rdflib_format)
    assert {str(s) for s in g.subjects()} == {EX + "alice", EX + "bob"}


def test_nothing_acceptable_is_406(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/csv"})
    assert r.status_code == 406
    r = client.get("/sparql", params={"query": f"DESCRIBE <{EX}alice>"}, headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert "text/turtle" in r.text


def test_format_parameter_overrides_accept(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "SELECT (1 AS ?x) {}", "format": "csv"}, headers={"Accept": JSON})
    assert r.headers["content-type"].startswith("text/csv")
    assert client.get("/sparql", params={"query": "ASK {}", "format": "bogus"}).status_code == 400


def test_service_description_on_get_without_query(client: TestClient) -> None:
    r = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert r.status_code == 200
    g = Graph().parse(data=r.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    endpoint = URIRef("http://127.0.0.1:8000/sparql")  # no public URL set: the listener's address
    assert (endpoint, URIRef(sd + "endpoint"), endpoint) in g
    languages = set(g.objects(endpoint, URIRef(sd + "supportedLanguage")))
    assert languages == {URIRef(sd + "SPARQL11Query")}  # no update advertised


def test_cors(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": "ASK {}"}, headers={"Origin": "https://elsewhere.example"})
    assert r.headers["access-control-allow-origin"] == "*"
    pre = client.options(
        "/sparql",
        headers={
            "Origin": "https://elsewhere.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert pre.status_code == 200
    assert "POST" in pre.headers["access-control-allow-methods"]


def test_rows_past_the_cap_are_cut_and_flagged(client: TestClient) -> None:
    q = "SELECT * WHERE { ?s ?p ?o }"  # 14 quads > the cap of 5
    r = client.get("/sparql", params={"query": q})
    body = r.json()
    assert len(body["results"]["bindings"]) == ROW_CAP
    assert body["truncated"] is True
    assert r.headers["x-truncated"] == "true"
    assert r.headers["x-row-cap"] == str(ROW_CAP)
    r = client.get("/sparql", params={"query": q + " LIMIT 3"})
    assert "truncated" not in r.json() and "x-truncated" not in r.headers
    r = client.get(
        "/sparql", params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"}, headers={"Accept": "application/n-triples"}
    )
    assert len(r.text.strip().splitlines()) == ROW_CAP
    assert r.headers["x-truncated"] == "true"


@pytest.mark.parametrize(
    ("request_kwargs", "status", "words"),
    [
        ({"params": {"query": "INSERT DATA { <urn:a> <urn:b> <urn:c> }"}}, 400, "read-only"),
        ({"params": {"query": "LOAD <http://127.0.0.1:9/x.ttl>"}}, 400, "LOAD"),
        ({"params": {"query": "SELECT * { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"}}, 400, "SERVICE"),
        ({"params": {"query": "SELECT * { SERVICE SILENT <http://x.invalid/> { ?s ?p ?o } }"}}, 400, "SERVICE"),
        ({"params": {"update": "CLEAR ALL"}}, 403, "read-only"),
        ({"params": {"query": "ASK {"}}, 400, "cannot parse"),
        ({"params": {"query": ["ASK {}", "ASK {}"]}}, 400, "more than one"),
    ],
)
def test_refusals(client: TestClient, request_kwargs: dict, status: int, words: str) -> None:
    r = client.get("/sparql", **request_kwargs)
    assert r.status_code == status
    assert words in r.text


def test_update_bodies_and_bad_content_types_are_refused(client: TestClient) -> None:
    update = {"Content-Type": "application/sparql-update"}
    assert client.post("/sparql", content="CLEAR ALL", headers=update).status_code == 403
    assert client.post("/sparql", data={"update": "CLEAR ALL"}).status_code == 403
    assert client.post("/sparql", content="ASK {}", headers={"Content-Type": "text/plain"}).status_code == 415
    utf16 = {"Content-Type": "application/sparql-query; charset=UTF-16"}
    assert client.post("/sparql", content="ASK {}".encode("utf-16"), headers=utf16).status_code == 415
    assert client.put("/sparql", content="ASK {}").status_code == 405
    assert ask(client, f'ASK {{ <{EX}alice> <{FOAF}name> "Alice" }}')  # data intact


def test_deep_nesting_and_long_queries_are_refused_before_parsing(client: TestClient) -> None:
    deep = "SELECT * WHERE " + "{" * 5000 + "}" * 5000  # would crash pyoxigraph's parser
    r = client.get("/sparql", params={"query": deep})
    assert r.status_code == 400 and "nested too deeply" in r.text
    long = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 30_000
    assert client.post("/sparql", data={"query": long}).status_code == 413
    assert ask(client, "ASK {}")  # the workers are still there


def test_a_query_past_the_deadline_is_stopped_with_503(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": SLOW_QUERY})
    assert r.status_code == 503
    assert int(r.headers["retry-after"]) > 0
    health = client.get("/health").json()
    assert health["query_workers"]["killed_at_deadline"] >= 1
    assert health["query_workers"]["alive"] == 2  # replaced
    assert ask(client, "ASK {}")


def test_a_slow_query_does_not_hold_up_a_fast_one(client: TestClient) -> None:
    slow: dict[str, int] = {}

    def run_slow() -> None:
        slow["status"] = client.get("/sparql", params={"query": SLOW_QUERY}).status_code

    thread = threading.Thread(target=run_slow)
    thread.start()
    try:
        while client.get("/health").json()["query_workers"]["busy"] < 1:  # the slow query is running
            assert thread.is_alive()
            time.sleep(0.02)
        fast = client.get(
            "/sparql",
            params={"query": f"SELECT ?n {{ <{EX}bob> <{FOAF}name> ?n }}"},
            headers={"X-Test-Client": "another"},
        )
        assert fast.status_code == 200
        assert fast.json()["results"]["bindings"][0]["n"]["value"] == "Bob"
        assert thread.is_alive(), "the fast query was answered only after the slow one ended"
    finally:
        thread.join()
    assert slow["status"] == 503


def test_store_missing_gives_503_with_a_reason(tmp_path: Path) -> None:
    with TestClient(create_app(Settings(store=tmp_path / "nothing-here"))) as c:
        r = c.get("/health")
        assert r.status_code == 503
        assert "no store" in r.json()["detail"]
        r = c.get("/sparql", params={"query": "ASK {}"})
        assert r.status_code == 503
        assert "store unavailable" in r.text


def test_json_results_are_valid_json_with_unicode(client: TestClient) -> None:
    r = client.get("/sparql", params={"query": f'SELECT ?s {{ ?s <{EX}nick> "Zoë 東京" }}'})
    assert json.loads(r.content)["results"]["bindings"] == [{"s": {"type": "uri", "value": EX + "carol"}}]


def test_a_worker_that_dies_mid_query_is_replaced(tmp_path: Path) -> None:
    # A worker can die under a query (pyoxigraph overflowing its stack on a pathological one):
    # the request gets a 503 for that query alone, not a hang, and a new worker takes its place.
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    with TestClient(create_app(Settings(store=store, workers=1, query_timeout=60))) as c:
        assert ask(c, "ASK {}")
        pool = c.app.state.query_pool  # type: ignore[attr-defined]
        answer: dict[str, int] = {}
        thread = threading.Thread(
            target=lambda: answer.update(status=c.get("/sparql", params={"query": SLOW_QUERY}).status_code)
        )
        thread.start()
        while pool.busy() < 1:
            assert thread.is_alive()
        (worker,) = pool.workers
        os.kill(worker.process.pid, signal.SIGSEGV)
        thread.join(timeout=30)
        assert answer["status"] == 503
        assert ask(c, "ASK {}")
        health = c.get("/health").json()["query_workers"]
        assert health["alive"] == 1 and worker not in pool.workers


def test_a_repeatable_answer_is_kept_and_one_that_changes_is_not(client: TestClient) -> None:
    """The same query with the same Accept is answered again from memory (X-Cache: hit), with
    the worker's headers and bytes; NOW(), RAND() and the like always go to a worker."""
    q = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 7"  # cut at the row cap of 5: flagged
    first = client.get("/sparql", params={"query": q}, headers={"Accept": JSON})
    again = client.get("/sparql", params={"query": q}, headers={"Accept": JSON})
    assert "x-cache" not in first.headers and again.headers["x-cache"] == "hit"
    assert again.content == first.content and again.headers["x-truncated"] == "true"
    assert again.headers["content-type"] == first.headers["content-type"]
    other = client.get("/sparql", params={"query": q}, headers={"Accept": "text/csv"})
    assert "x-cache" not in other.headers and other.text.startswith("s\r\n")
    changing = "SELECT (STRUUID() AS ?u) (NOW() AS ?t) WHERE {}"
    answers = [client.get("/sparql", params={"query": changing}, headers={"Accept": JSON}) for _ in range(2)]
    assert all("x-cache" not in a.headers for a in answers)
    assert answers[0].json() != answers[1].json()
    refused = [client.get("/sparql", params={"query": "ASK {"}) for _ in range(2)]
    assert all(r.status_code == 400 and "x-cache" not in r.headers for r in refused)
