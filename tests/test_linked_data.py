"""Linked data: /id/... dereferences every minted IRI, by content negotiation."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDFS

from api.app import create_app
from api.settings import Settings
from ingest.jsonld_context import CONTEXT_IRI
from ingest.store.embedded import EmbeddedStore
from ingest.vocab import CG, ID, OA
from tests.api_support import DEFENDER, SCRIPT_NAME, api_store

PERSON = ID["person/jovan-markovich"]  # the readable IRI the fused graph publishes
MINTED = ID["person/jovan-markovic"]  # the IRI documents minted (transliteration key)
PUBLIC = "https://data.example.org"  # published URLs start here, whatever Host a request sends


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    return api_store()


@pytest.fixture(scope="module")
def client(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    # This client crawls every minted IRI (hundreds of requests in a second or two), faster than
    # the per-client limit lets one client go; the limit has its own tests (test_fairness.py).
    settings = Settings(store=tmp_path_factory.mktemp("unused") / "store", public_url=PUBLIC, rate_limit=0)
    app = create_app(settings)
    app.state.store = store
    yield TestClient(app)


def test_turtle_by_accept_holds_facts_sources_and_quotes(client: TestClient) -> None:
    r = client.get("/id/person/jovan-markovich", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/turtle")
    assert "Accept" in r.headers["vary"].split(", ")
    g = Graph().parse(data=r.text, format="turtle")
    assert (PERSON, RDFS.label, Literal(DEFENDER)) in g
    # one dereference gives the whole person: what documents state about the minted IRI too
    assert (PERSON, OWL.sameAs, MINTED) in g and (MINTED, CG.publishedAs, PERSON) in g
    assert (MINTED, CG.mentionedIn, ID["document/900-synthetic-a"]) in g
    events = {str(e) for e in g.subjects(CG.subject, MINTED)}
    assert len({e for e in events if e.startswith(str(ID["event/"]))}) == 3, "the events that point at the person"
    fused = {str(e) for e in g.subjects(CG.subject, PERSON)}
    assert {e for e in fused if e.startswith(str(ID["fused/"]))}, "and the fused view's, which name the readable IRI"
    quotes = {str(q) for q in g.objects(None, OA.exact)}
    assert "Jovan Markovich, a lawyer" in quotes


def test_every_rdf_format_says_the_same(client: TestClient) -> None:
    turtle = Graph().parse(data=client.get("/id/person/jovan-markovich?format=ttl").text, format="turtle")
    nt = Graph().parse(
        data=client.get("/id/person/jovan-markovich", headers={"Accept": "application/n-triples"}).text, format="nt"
    )
    xml = Graph().parse(data=client.get("/id/person/jovan-markovich?format=rdf").text, format="xml")
    r = client.get("/id/person/jovan-markovich", headers={"Accept": "application/ld+json"})
    assert r.headers["content-type"].startswith("application/ld+json")
    doc = r.json()
    assert doc["@context"] == CONTEXT_IRI, "JSON-LD points at the published context"
    doc["@context"] = client.get("/context.jsonld").json()["@context"]
    jsonld = Graph().parse(data=json.dumps(doc), format="json-ld")
    assert len(turtle) > 10
    assert set(turtle) == set(nt) == set(xml) == set(jsonld)


def test_trig_keeps_the_source_graph_of_each_statement(client: TestClient) -> None:
    r = client.get("/id/person/jovan-markovich", headers={"Accept": "application/trig"})
    ds = Dataset()
    ds.parse(data=r.text, format="trig")
    graphs = {str(g.identifier) for g in ds.graphs() if len(g)}
    assert {str(ID["graph/900-synthetic-a"]), str(ID["graph/resolver"])} <= graphs
    nq = client.get("/id/person/jovan-markovich?format=nq")
    assert f"<{ID['graph/900-synthetic-a']}> ." in nq.text


def test_json_format_is_the_curated_view(client: TestClient) -> None:
    body = client.get("/id/person/jovan-markovich", headers={"Accept": "application/json"}).json()
    assert body["label"] == DEFENDER
    assert [e["type"] for e in body["events"]] == ["arrest", "charge", "pretrial-detention", "transfer"]
    assert "person.rq" in body["queries"]


def test_format_override_beats_accept_and_errors_are_clear(client: TestClient) -> None:
    r = client.get("/id/person/jovan-markovich?format=nt", headers={"Accept": "text/html"})
    assert r.headers["content-type"].startswith("application/n-triples")
    r = client.get("/id/person/jovan-markovich?format=docx")
    assert r.status_code == 400 and "ttl" in r.json()["error"]
    r = client.get("/id/person/jovan-markovich", headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/turtle" in r.json()["error"]


def test_html_is_the_default_for_browsers(client: TestClient) -> None:
    r = client.get("/id/person/jovan-markovich", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.headers["content-type"].startswith("text/html")
    assert "Police arrested Jovan Markovich" in r.text
    assert 'rel="alternate"' in r.headers["link"]


def test_merged_iri_answers_308_to_the_survivor(client: TestClient) -> None:
    r = client.get("/id/person/ovan-markovic?format=ttl", follow_redirects=False)
    assert r.status_code == 308
    assert r.headers["location"] == "/id/person/jovan-markovich?format=ttl"
    assert client.get("/id/person/ovan-markovic?format=ttl").status_code == 200


@pytest.mark.parametrize("path", ["person/nobody", "event/nothing", "no/such/thing", "person/a%20b", "person/<x>"])
def test_unknown_iris_are_404(client: TestClient, path: str) -> None:
    r = client.get(f"/id/{path}", headers={"Accept": "application/json"})
    assert r.status_code == 404
    assert "not in this graph" in r.json()["error"]
    assert client.get(f"/id/{path}").status_code == 404


def test_every_minted_iri_dereferences(client: TestClient, store: EmbeddedStore) -> None:
    """Each IRI the graph mints (every subject under the id namespace, fragments aside) answers
    its curated JSON and Turtle."""
    rows = store.select("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }")
    minted = sorted({r["s"] for r in rows if r["s"] and r["s"].startswith(str(ID)) and "#" not in r["s"]})
    assert len(minted) > 100
    kinds = {iri[len(str(ID)) :].split("/")[0] for iri in minted}
    assert {"person", "organisation", "event", "document", "place", "provision", "evidence"} <= kinds
    for iri in minted:
        path = "/id/" + iri[len(str(ID)) :]
        r = client.get(path, headers={"Accept": "application/json"}, follow_redirects=False)
        assert r.status_code in (200, 308), (path, r.status_code, r.text[:300])
        if r.status_code == 200:
            assert r.json()["iri"] == iri
    for iri in minted[:: max(1, len(minted) // 40)]:
        r = client.get("/id/" + iri[len(str(ID)) :] + "?format=ttl", follow_redirects=True)
        assert URIRef(r.url.path.replace("/id/", str(ID), 1)) in set(
            Graph().parse(data=r.text, format="turtle").all_nodes()
        )


def test_evidence_iri_describes_the_quote(client: TestClient, store: EmbeddedStore) -> None:
    row = store.select(
        "PREFIX oa: <http://www.w3.org/ns/oa#> "
        "SELECT ?a WHERE { ?a oa:hasTarget/oa:hasSelector/oa:exact ?q } ORDER BY ?a LIMIT 1"
    )[0]
    g = Graph().parse(data=client.get("/id/" + (row["a"] or "")[len(str(ID)) :] + "?format=ttl").text, format="turtle")
    assert len(set(g.objects(None, OA.exact))) == 1
    assert len(set(g.objects(None, OA.start))) == 1


def test_context_is_published(client: TestClient) -> None:
    r = client.get("/context.jsonld")
    assert r.headers["content-type"].startswith("application/ld+json")
    assert r.json()["@context"]["cg"] == str(CG)


def test_markup_in_names_is_escaped_on_every_page(client: TestClient) -> None:
    pages = [
        "/id/person/dara-vell",
        "/id/document/900-synthetic-a",
        "/persons?q=Dara",
        "/events?person=jovan-markovich",
        "/authorities",
        "/documents",
        "/",
    ]
    key = next(p["id"] for p in client.get("/api/persons", params={"q": "Dara Vell"}).json()["items"])
    pages[0] = f"/id/person/{key}"
    pages.append("/events?type=summons")
    for page in pages:
        r = client.get(page, headers={"Accept": "text/html"})
        assert r.status_code == 200, page
        assert "<script>alert" not in r.text, page
    person = client.get(pages[0], headers={"Accept": "text/html"}).text
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Dara Vell" in person
    assert SCRIPT_NAME in client.get(pages[0], headers={"Accept": "application/json"}).json()["label"]
