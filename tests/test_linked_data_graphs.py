"""Linked data follow-ups: HEAD on every GET, named graphs as resources (/id/graph/<doc>),
merged entities answering at their fullest name, and the batched queries behind the lists."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import OWL

from api.app import create_app
from api.cache import per_store, per_store_lru
from api.curated.common import Ctx
from api.curated.events import event_detail, event_details, sort_key
from api.deps import load_query, with_values
from api.settings import Settings
from ingest import ids
from ingest.model import DocumentRecord, EventRecord, Evidence, Facts, PersonRecord
from ingest.rdf import facts_to_graph
from ingest.store.embedded import EmbeddedStore
from ingest.store.terms import IRI, Literal
from ingest.texts import replace_document
from ingest.vocab import ID
from tests.api_support import api_store

GRAPH = "graph/900-synthetic-a"


def _client(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    app = create_app(Settings(store=tmp_path_factory.mktemp("unused") / "store"))
    app.state.store = store
    return TestClient(app)


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    return api_store()


@pytest.fixture(scope="module")
def client(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    yield _client(store, tmp_path_factory)


# --- HEAD ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "accept"),
    [
        ("/id/person/jovan-markovich", "application/json"),
        ("/id/person/jovan-markovich", "text/html"),
        (f"/id/{GRAPH}", "application/json"),
        ("/persons", "text/html"),
        ("/", "text/html"),
        ("/api/persons?q=Markovic", "application/json"),
    ],
)
def test_head_answers_like_get_without_a_body(client: TestClient, path: str, accept: str) -> None:
    get = client.get(path, headers={"Accept": accept})
    head = client.head(path, headers={"Accept": accept})
    assert get.status_code == head.status_code == 200
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("vary") == get.headers.get("vary")
    if "json" in accept:  # JSON is byte-stable; a page may hold per-request details
        assert int(head.headers["content-length"]) == len(get.content)


def test_head_keeps_redirects_and_not_found(client: TestClient) -> None:
    r = client.head("/id/person/ovan-markovic?format=ttl", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == "/id/person/jovan-markovich?format=ttl"
    assert client.head("/id/person/nobody").status_code == 404
    assert client.head(f"/id/{GRAPH}-missing").status_code == 404


def test_head_routes_stay_out_of_the_openapi_document(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/persons" in paths
    assert not [p for p, ops in paths.items() if "head" in ops and p != "/dumps/{name}"]


# --- named graphs ----------------------------------------------------------------------------


def _graph_triples(store: EmbeddedStore, name: str) -> set[tuple[str, str, str]]:
    """The graph's statements as (subject, predicate, object) values, as rdflib shows them."""
    quads = store.quads(name)
    return {(q.subject.value, q.predicate.value, q.object.value) for q in quads}  # type: ignore[union-attr]


def test_a_graph_describes_its_document_size_and_downloads(client: TestClient, store: EmbeddedStore) -> None:
    r = client.get(f"/id/{GRAPH}", headers={"Accept": "application/json"})
    assert r.status_code == 200 and "Accept" in r.headers["vary"]
    data = r.json()
    assert data["iri"] == str(ID[GRAPH])
    assert data["document"]["href"] == "/id/document/900-synthetic-a"
    assert data["triples"] == len(_graph_triples(store, str(ID[GRAPH]))) > 10
    formats = {d["format"]: d["href"] for d in data["dumps"]}
    assert {"trig", "nq"} <= set(formats)
    assert "graph.rq" in data["queries"]
    page = client.get(f"/id/{GRAPH}", headers={"Accept": "text/html"}).text
    assert 'href="/id/document/900-synthetic-a"' in page and formats["trig"] in page


@pytest.mark.parametrize(
    ("accept", "syntax"),
    [("application/trig", "trig"), ("application/n-quads", "nquads")],
)
def test_a_graph_offers_its_statements_as_a_dataset(
    client: TestClient, store: EmbeddedStore, accept: str, syntax: str
) -> None:
    r = client.get(f"/id/{GRAPH}", headers={"Accept": accept})
    assert r.status_code == 200 and r.headers["content-type"].startswith(accept)
    ds = Dataset()
    ds.parse(data=r.text, format=syntax)
    names = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert names == {str(ID[GRAPH])}, "every statement keeps its graph name"
    got = {(str(s), str(p), str(o)) for s, p, o, _ in ds.quads((None, None, None, None))}
    assert got == _graph_triples(store, str(ID[GRAPH]))


def test_a_graph_offers_its_statements_as_turtle_and_follows_the_dump_link(
    client: TestClient, store: EmbeddedStore
) -> None:
    r = client.get(f"/id/{GRAPH}", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    g = Graph().parse(data=r.text, format="turtle")
    assert len(g) == len(_graph_triples(store, str(ID[GRAPH])))
    link = next(d["href"] for d in client.get(f"/id/{GRAPH}?format=json").json()["dumps"] if d["format"] == "nq")
    assert client.get(link).headers["content-type"].startswith("application/n-quads")


def test_the_fused_view_is_a_graph_too_and_unknown_graphs_are_404(client: TestClient) -> None:
    data = client.get("/id/graph/_fused?format=json").json()
    assert data["kind"] == "fused view" and data["document"] is None and data["triples"] > 0
    assert client.get("/id/graph/no-such-document", headers={"Accept": "application/json"}).status_code == 404


# --- merged entities answer at their fullest name ------------------------------------------


def _doc(name: str, stem: str) -> Facts:
    text = f"{name} was arrested on 3 May 2019 in Valdora."
    return Facts(
        document=DocumentRecord(file=f"{stem}.txt", text=text, curated=True),
        people=[PersonRecord(name=name, kind="defender")],
        events=[EventRecord(type="arrest", people=[name], date="2019-05-03", evidence=[Evidence(text, 0, len(text))])],
    )


def test_an_alias_answers_308_to_the_fullest_form(tmp_path_factory: pytest.TempPathFactory) -> None:
    store = EmbeddedStore(memory=True)
    replace_document(store, facts_to_graph(_doc("Anna Berg", "short")))
    replace_document(store, facts_to_graph(_doc("Anna Maria Berg", "full")))
    short, full = ids.person_iri("Anna Berg"), ids.person_iri("Anna Maria Berg")
    assert str(short) < str(full), "the short form is the smaller IRI: the old rule would keep it"
    same = Graph(identifier=URIRef("urn:test:resolver"))
    same.add((full, OWL.sameAs, short))  # the direction does not decide
    store.replace_graph(same)
    client = _client(store, tmp_path_factory)
    short_key, full_key = ids.key_of(str(short)), ids.key_of(str(full))
    r = client.get(f"/id/{short_key}?format=json", follow_redirects=False)
    assert r.status_code == 308 and r.headers["location"] == f"/id/{full_key}?format=json"
    listed = client.get("/api/persons", params={"q": "Berg"}).json()["items"]
    assert [p["iri"] for p in listed] == [str(full)]
    timeline = client.get(f"/api/persons/{full_key.split('/', 1)[1]}/timeline").json()
    assert timeline["person"]["label"] == "Anna Maria Berg" and timeline["total"] == 2


# --- batched queries -----------------------------------------------------------------------


def test_a_page_of_events_in_one_query_equals_each_event_alone(store: EmbeddedStore) -> None:
    iris = [
        r["e"] or ""
        for r in store.select("SELECT DISTINCT ?e WHERE { ?e a <https://w3id.org/casegraph/ontology#LegalEvent> }")
    ]
    assert len(iris) > 20
    ctx = Ctx(store, str(ID)[: -len("id/")])
    batch = event_details(ctx, iris)
    assert [e["iri"] for e in batch] == [e["iri"] for e in sorted(batch, key=sort_key)], "timeline order"
    alone = {iri: event_detail(ctx, iri) for iri in iris}
    assert len(batch) == len(iris)
    for event in batch:
        assert json.dumps(event, sort_keys=True) == json.dumps(alone[event["iri"]], sort_keys=True)


def test_values_take_iris_only() -> None:
    query = load_query("event.rq")
    text = with_values(query, "event", [IRI("https://example.org/e/1")])
    assert "VALUES ?event { <https://example.org/e/1> }" in text
    with pytest.raises(TypeError):
        with_values(query, "event", [Literal("} DROP ALL {")])  # type: ignore[list-item]
    with pytest.raises(ValueError, match="#VALUES"):
        with_values(query, "nothing", [])


def test_the_filter_cache_is_bounded_and_per_store() -> None:
    a, b = EmbeddedStore(memory=True), EmbeddedStore(memory=True)
    calls: list[int] = []

    def compute(n: int) -> int:
        calls.append(n)
        return n * 10

    for n in (1, 2, 1, 3, 1, 2):
        assert per_store_lru(a, "t", n, lambda n=n: compute(n), size=2) == n * 10
    assert calls == [1, 2, 3, 2], "1 stays (recently used), 2 is evicted by 3 and computed again"
    assert per_store_lru(b, "t", 1, lambda: compute(1), size=2) == 10 and calls[-1] == 1


def test_callers_missing_one_per_store_value_at_once_wait_for_one_computation() -> None:
    """Sixteen threads asking for an index nobody has built yet get the one built by the first
    (api.cache.per_store), not sixteen builds."""
    import threading

    store = EmbeddedStore(memory=True)
    started, release = threading.Event(), threading.Event()
    calls: list[int] = []

    def build() -> list[int]:
        calls.append(1)
        started.set()
        release.wait(10)  # the others arrive while this one computes
        return [42]

    results: list[list[int]] = []
    threads = [threading.Thread(target=lambda: results.append(per_store(store, "index", build))) for _ in range(16)]
    threads[0].start()
    assert started.wait(10)
    for t in threads[1:]:
        t.start()
    release.set()
    for t in threads:
        t.join(10)
    assert calls == [1] and len(results) == 16 and all(r is results[0] for r in results)
