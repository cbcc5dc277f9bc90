"""Published URLs come from the configured public origin (CASEGRAPH_PUBLIC_URL), never from the
Host header a client sends, nor from X-Forwarded-Host/Proto; X-Forwarded-For is believed only
from configured proxies (issue 15, item 3)."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rdflib import Graph, URIRef
from rdflib.namespace import VOID

from api.app import create_app
from api.clients import ClientRequest, by_address, client_address
from api.settings import Settings, proxy_networks
from ingest.jsonld_context import CONTEXT_IRI
from ingest.store.embedded import EmbeddedStore
from tests.api_support import api_store
from tests.serving import PROTOCOL_DATA, load_store, running_server

PUBLIC = "https://data.example.org"
EVIL = "evil.example"
# What a client might send to make the server print its address.
SPOOF = {"Host": EVIL, "X-Forwarded-Host": EVIL, "X-Forwarded-Proto": "http", "Forwarded": f"host={EVIL}"}
SD = "http://www.w3.org/ns/sparql-service-description#"


@pytest.fixture(scope="module")
def store() -> EmbeddedStore:
    return api_store()


@pytest.fixture(scope="module")
def client(store: EmbeddedStore, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(Settings(store=tmp_path_factory.mktemp("unused") / "store", public_url=PUBLIC))
    app.state.store = store
    yield TestClient(app, headers=SPOOF)


def no_evil(text: str) -> None:
    assert EVIL not in text, "the client's Host header leaked into the answer"


def test_service_description_names_the_public_endpoint(tmp_path: Path) -> None:
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    with TestClient(create_app(Settings(store=store, public_url=PUBLIC)), headers=SPOOF) as c:
        r = c.get("/sparql", headers={"Accept": "text/turtle"})
        no_evil(r.text)
        g = Graph().parse(data=r.text, format="turtle")
        endpoint = URIRef(f"{PUBLIC}/sparql")
        assert (endpoint, URIRef(SD + "endpoint"), endpoint) in g
        # relative IRIs in a query resolve against the public endpoint, not the Host
        q = "SELECT ?x WHERE { BIND(<relative> AS ?x) }"
        row = c.get("/sparql", params={"query": q}, headers={"Accept": "application/sparql-results+json"}).json()
        assert row["results"]["bindings"][0]["x"]["value"] == f"{PUBLIC}/relative"


@pytest.mark.parametrize("accept", ["text/turtle", "application/ld+json"])
def test_void_and_dcat_use_the_public_url(client: TestClient, accept: str) -> None:
    r = client.get("/.well-known/void", headers={"Accept": accept})
    assert r.status_code == 200
    no_evil(r.text)
    g = Graph().parse(data=r.text, format="turtle" if accept == "text/turtle" else "json-ld")
    endpoints = set(g.objects(None, VOID.sparqlEndpoint))
    assert endpoints == {URIRef(f"{PUBLIC}/sparql")}
    assert all(str(d).startswith(f"{PUBLIC}/dumps/") for d in g.objects(None, VOID.dataDump))


def test_dump_index_in_json_and_html(client: TestClient) -> None:
    listing = client.get("/dumps/", headers={"Accept": "application/json"}).json()
    assert all(d["url"].startswith(f"{PUBLIC}/dumps/") for d in listing["dumps"])
    assert listing["void"] == f"{PUBLIC}/.well-known/void"
    page = client.get("/dumps/", headers={"Accept": "text/html"}).text
    no_evil(page)
    assert f'href="{PUBLIC}/dumps/casegraph.nq"' in page


def test_entity_pages_links_and_jsonld_context(client: TestClient) -> None:
    page = client.get("/id/person/jovan-markovich", headers={"Accept": "text/html"})
    no_evil(page.text)
    no_evil(page.headers["link"])
    assert f"<{PUBLIC}/id/person/jovan-markovich?format=ttl>" in page.headers["link"]
    assert f'href="{PUBLIC}/id/person/jovan-markovich?format=json"' in page.text
    doc = client.get("/id/person/jovan-markovich", headers={"Accept": "application/ld+json"})
    no_evil(doc.text)
    assert json.loads(doc.text)["@context"] == CONTEXT_IRI
    graph_page = client.get("/id/graph/900_synthetic_a", headers={"Accept": "text/html"})
    no_evil(graph_page.text)
    no_evil(graph_page.headers.get("link", ""))


def test_redirects_never_point_at_the_host_header(client: TestClient) -> None:
    merged = client.get("/id/person/ovan-markovic?format=ttl", follow_redirects=False)
    assert merged.status_code == 308
    no_evil(merged.headers["location"])
    api = client.get("/api/persons/ovan-markovic", follow_redirects=False)
    assert api.status_code == 308
    no_evil(api.headers["location"])
    # Starlette's own redirect (a missing trailing slash) is absolute: on the public origin
    slash = client.get("/dumps", follow_redirects=False)
    assert slash.status_code in (307, 308)
    assert slash.headers["location"] == f"{PUBLIC}/dumps/"


def test_every_json_answer_is_free_of_the_host(client: TestClient) -> None:
    for path in ("/api/stats", "/api/persons", "/api/events", "/api/documents", "/health", "/openapi.json"):
        r = client.get(path)
        assert r.status_code == 200, path
        no_evil(r.text)


def test_without_a_public_url_the_listener_address_is_used(tmp_path: Path) -> None:
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    with TestClient(create_app(Settings(store=store, port=8123)), headers=SPOOF) as c:
        r = c.get("/.well-known/void", headers={"Accept": "text/turtle"})
        no_evil(r.text)
        assert "<http://127.0.0.1:8123/sparql>" in r.text


def test_bad_public_urls_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="no path"):
        Settings(public_url="https://data.example.org/casegraph")
    with pytest.raises(ValueError, match="HOST"):
        Settings(public_url="data.example.org")
    assert Settings(public_url="HTTPS://Data.Example.org:443/").origin == "https://data.example.org"
    with pytest.raises(ValueError, match="not an IP address"):
        Settings(trusted_proxies=("proxy.example",))


def test_forwarded_for_is_believed_only_from_trusted_proxies() -> None:
    proxies = proxy_networks(("10.0.0.5", "192.0.2.0/24"))
    # a direct client cannot claim to be someone else
    assert client_address("203.0.113.9", ["198.51.100.1"], proxies) == "203.0.113.9"
    # through the proxy: the address the proxy saw
    assert client_address("10.0.0.5", ["198.51.100.1"], proxies) == "198.51.100.1"
    # what the client wrote itself sits to the left of what the proxies appended
    assert client_address("10.0.0.5", ["6.6.6.6, 198.51.100.1"], proxies) == "198.51.100.1"
    # a chain of trusted proxies is walked back to the first untrusted hop
    assert client_address("10.0.0.5", ["198.51.100.1, 192.0.2.7"], proxies) == "198.51.100.1"
    # garbage ends the walk at the proxy that passed it on
    assert client_address("10.0.0.5", ["not-an-ip"], proxies) == "10.0.0.5"
    # no proxies configured: the header means nothing
    assert client_address("10.0.0.5", ["198.51.100.1"], []) == "10.0.0.5"


def test_ipv6_clients_count_by_their_64() -> None:
    a = by_address(ClientRequest("2001:db8:1:2:aaaa::1", ()))
    b = by_address(ClientRequest("2001:db8:1:2:bbbb::2", ()))
    assert a == b == "2001:db8:1:2::/64"
    assert by_address(ClientRequest("::ffff:198.51.100.7", ())) == "198.51.100.7"


def raw_get(port: int, path: str, headers: dict[str, str], source: str = "127.0.0.1") -> str:
    """A GET over a plain socket, so the Host header is exactly what we write."""
    with socket.create_connection(("127.0.0.1", port), timeout=30, source_address=(source, 0)) as s:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        s.sendall(f"GET {path} HTTP/1.1\r\n{head}Connection: close\r\n\r\n".encode())
        chunks = []
        while chunk := s.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


def test_a_real_server_ignores_the_host_and_forwarded_headers(tmp_path: Path) -> None:
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    # a budget of three requests (and one more every 100 s) per client
    env = {"CASEGRAPH_PUBLIC_URL": PUBLIC, "CASEGRAPH_RATE_LIMIT": "0.01", "CASEGRAPH_RATE_BURST": "3"}
    with running_server(store, env=env) as base:
        port = int(base.rsplit(":", 1)[1])
        for path, accept in (
            ("/.well-known/void", "text/turtle"),
            ("/sparql", "text/turtle"),
            ("/dumps/", "text/html"),
        ):
            answer = raw_get(port, path, {**SPOOF, "Accept": accept}, source="127.0.0.9")
            assert answer.startswith("HTTP/1.1 200"), answer[:200]
            no_evil(answer)
            assert f"{PUBLIC}/sparql" in answer or f"{PUBLIC}/dumps/" in answer
        # uvicorn's own proxy handling is off: from 127.0.0.1 (no proxy configured), an
        # X-Forwarded-For does not make a client someone else; its budget is spent
        limited = raw_get(port, "/health", {"Host": EVIL, "X-Forwarded-For": "198.51.100.1"}, source="127.0.0.9")
        assert limited.startswith("HTTP/1.1 429"), limited[:200]
