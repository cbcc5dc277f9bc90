"""/dumps/ (the whole graph, streamed) and /.well-known/void (VoID + DCAT)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, VOID

from api.app import create_app
from api.routers import dumps
from api.settings import Settings
from ingest.store import embedded
from tests.serving import PROTOCOL_DATA, load_store

DCAT = "http://www.w3.org/ns/dcat#"
DATASET = URIRef("https://example.org/cg/dataset")
PUBLIC = "https://data.example.org"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = load_store(tmp_path_factory.mktemp("dumps") / "store", PROTOCOL_DATA)
    settings = Settings(store=store, base_iri="https://example.org/cg/", public_url=PUBLIC)
    with TestClient(create_app(settings)) as c:
        yield c


def expected() -> Dataset:
    return Dataset().parse(PROTOCOL_DATA, format="trig")


@pytest.mark.parametrize(("name", "fmt"), [("casegraph.nq", "nquads"), ("casegraph.trig", "trig")])
def test_dumps_hold_every_quad_with_its_graph(client: TestClient, name: str, fmt: str, monkeypatch) -> None:
    monkeypatch.setattr(embedded, "CHUNK", 2)  # force several chunks: the stream must still parse
    r = client.get(f"/dumps/{name}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(dumps.DUMPS[name])
    got = Dataset().parse(data=r.content, format=fmt)
    want = expected()
    for g in ("urn:x-w3c-protocol:data1.rdf", "urn:x-w3c-protocol:data2.rdf", "urn:x-w3c-protocol:data3.rdf"):
        assert set(got.graph(URIRef(g))) == set(want.graph(URIRef(g)))
    assert len(got) == len(want)  # quads of the default graph too


def test_dump_index_and_unknown_dump(client: TestClient) -> None:
    listing = client.get("/dumps/").json()
    assert [d["name"] for d in listing["dumps"]] == [*dumps.DUMPS, *dumps.COMPRESSED]
    assert listing["graph"] == f"{PUBLIC}/dumps/graph/{{id}}.nq"
    assert client.get("/dumps/everything.zip").status_code == 404


@pytest.mark.parametrize(("accept", "fmt"), [("text/turtle", "turtle"), ("application/ld+json", "json-ld")])
def test_void_describes_the_dataset(client: TestClient, accept: str, fmt: str) -> None:
    r = client.get("/.well-known/void", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith(accept)
    g = Graph().parse(data=r.text, format=fmt)
    quads = client.get("/health").json()["quads"]
    assert (DATASET, VOID.triples, Literal(quads)) in g
    assert (DATASET, DCTERMS.license, None) in g
    assert (DATASET, DCTERMS.modified, None) in g
    assert (DATASET, VOID.sparqlEndpoint, URIRef(f"{PUBLIC}/sparql")) in g
    names = [*dumps.DUMPS, *dumps.COMPRESSED]
    assert set(g.objects(DATASET, VOID.dataDump)) == {URIRef(f"{PUBLIC}/dumps/{n}") for n in names}
    subsets = set(g.objects(DATASET, VOID.subset))
    assert len(subsets) == 3
    assert all((s, VOID.triples, Literal(1)) in g for s in subsets)
    distributions = set(g.objects(DATASET, URIRef(DCAT + "distribution")))
    assert len(distributions) == 3
    assert len({d for d in distributions if (d, URIRef(DCAT + "compressFormat"), None) in g}) == 1
    if fmt == "json-ld":
        assert isinstance(r.json()["@context"], dict)  # inline, nothing to fetch


def test_void_406(client: TestClient) -> None:
    assert client.get("/.well-known/void", headers={"Accept": "image/png"}).status_code == 406
