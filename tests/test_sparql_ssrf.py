"""SSRF: no query, however SERVICE (or LOAD, or a dataset clause) is spelt, makes the server or
its query workers open a connection to another host. A canary HTTP server on a loopback port
counts every connection; it answers like a SPARQL endpoint, so a fetch that got through would
also show in the results. Every case must leave it at zero.

Three barriers are tested: the guard (real parse, fail closed), the keyword scan, and the
workers' network sandbox, the last one also on its own (a worker-like process that runs SERVICE
straight on pyoxigraph, with no guard in front)."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.serving import PROTOCOL_DATA, ROOT, load_store

RDF = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n"
ANSWER = {"head": {"vars": ["x", "b", "c"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "CANARY"}}]}}


class Canary:
    """A loopback HTTP server that records connections and answers every request with a
    SPARQL JSON result holding the word CANARY."""

    def __init__(self) -> None:
        canary = self
        self.connections = 0

        class Handler(BaseHTTPRequestHandler):
            def setup(self) -> None:
                canary.connections += 1
                super().setup()

            def _answer(self) -> None:
                body = json.dumps(ANSWER).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/sparql-results+json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def canary() -> Iterator[Canary]:
    server = Canary()
    yield server
    server.close()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    store = load_store(tmp_path_factory.mktemp("ssrf") / "store", PROTOCOL_DATA)
    settings = Settings(store=store, query_timeout=10.0, workers=2, max_query_depth=40)
    with TestClient(create_app(settings)) as c:
        yield c


# Every way we found to write a remote call. @URL@ is the canary's endpoint, @BASE@ its root.
SPELLINGS = {
    "issue-reproduction": RDF + "SELECT ?x { { SELECT ?s { ?s rdf:type?o } LIMIT 1 } ?s rdf:type?o.SERVICE<@URL@>"
    "{?x ?b ?c} FILTER(!isTRIPLE(?s)) }",
    "pname-adjacent-no-isTRIPLE": RDF + "SELECT ?x { ?s rdf:type?o.SERVICE<@URL@>{?x ?b ?c} }",
    "plain": "SELECT * { SERVICE <@URL@> { ?x ?b ?c } }",
    "lower-case": "select * { service <@URL@> { ?x ?b ?c } }",
    "mixed-case": "SeLeCt * { SeRvIcE <@URL@> { ?x ?b ?c } }",
    "silent": "SELECT * { SERVICE SILENT <@URL@> { ?x ?b ?c } }",
    "after-variable-dot": "SELECT * { ?s ?p ?o.SERVICE<@URL@>{?x ?b ?c} }",
    "after-iri-dot": "SELECT * { ?s ?p <urn:a>.SERVICE<@URL@>{?x ?b ?c} }",
    "after-literal-dot": 'SELECT * { ?s ?p "v".SERVICE<@URL@>{?x ?b ?c} }',
    "after-a-keyword": "SELECT * { ?s a?o.SERVICE<@URL@>{?x ?b ?c} }",
    "after-brace": "SELECT * { {?s ?p ?o}SERVICE<@URL@>{?x ?b ?c} }",
    "comment-between": "SELECT * { SERVICE#note\n<@URL@> { ?x ?b ?c } }",
    "comment-glued": "SELECT * { ?s ?p ?o #}\nSERVICE <@URL@> { ?x ?b ?c } }",
    "tabs-and-newlines": "SELECT * {\tSERVICE\n\n\t<@URL@>\r\n{ ?x ?b ?c } }",
    "form-feed": "SELECT * { SERVICE\f<@URL@> { ?x ?b ?c } }",
    "unicode-escape-keyword": "SELECT * { \\u0053ERVICE <@URL@> { ?x ?b ?c } }",
    "unicode-escape-middle": "SELECT * { SERV\\u0049CE <@URL@> { ?x ?b ?c } }",
    "long-unicode-escape": "SELECT * { \\U00000053ERVICE <@URL@> { ?x ?b ?c } }",
    "unicode-escape-in-iri": "SELECT * { SERVICE <http://127.0.0.1:@PORT@/\\u0073parql> { ?x ?b ?c } }",
    "prefixed-iri": "PREFIX c: <@BASE@> SELECT * { SERVICE c:sparql { ?x ?b ?c } }",
    "relative-iri-with-base": "BASE <@BASE@> SELECT * { SERVICE <sparql> { ?x ?b ?c } }",
    "variable-endpoint": "SELECT * { BIND(<@URL@> AS ?e) SERVICE ?e { ?x ?b ?c } }",
    "values-endpoint": "SELECT * { VALUES ?e { <@URL@> } SERVICE ?e { ?x ?b ?c } }",
    "in-subquery": "SELECT * { { SELECT ?x { SERVICE <@URL@> { ?x ?b ?c } } } }",
    "in-optional": "SELECT * { ?s ?p ?o OPTIONAL { SERVICE <@URL@> { ?x ?b ?c } } }",
    "in-union": "SELECT * { { ?s ?p ?o } UNION { SERVICE <@URL@> { ?x ?b ?c } } }",
    "in-minus": "SELECT * { ?s ?p ?o MINUS { SERVICE <@URL@> { ?s ?b ?c } } }",
    "in-graph": "SELECT * { GRAPH ?g { SERVICE <@URL@> { ?x ?b ?c } } }",
    "in-filter-exists": "SELECT * { ?s ?p ?o FILTER EXISTS { SERVICE <@URL@> { ?x ?b ?c } } }",
    "in-filter-not-exists-glued": "SELECT * { ?s ?p ?o FILTER NOT EXISTS{SERVICE<@URL@>{?x ?b ?c}} }",
    "nested-service": "SELECT * { SERVICE <@URL@> { SERVICE <@URL@> { ?x ?b ?c } } }",
    "construct": "CONSTRUCT { ?x ?b ?c } WHERE { SERVICE <@URL@> { ?x ?b ?c } }",
    "ask": "ASK { SERVICE <@URL@> { ?x ?b ?c } }",
    "describe": "DESCRIBE ?x WHERE { SERVICE <@URL@> { ?x ?b ?c } }",
    "rdf-star-quoted-triple": "SELECT * { << ?s ?p ?o >> ?q ?r . SERVICE <@URL@> { ?x ?b ?c } }",
    "sparql-1.2-triple-term": "SELECT * { ?s ?p <<( ?a ?b ?c )>> . SERVICE <@URL@> { ?x ?b ?c } }",
    "triple-function": "SELECT * { BIND(TRIPLE(?s, ?p, ?o) AS ?t) SERVICE <@URL@> { ?x ?b ?c } }",
    "lateral": "SELECT * { ?s ?p ?o LATERAL { SERVICE <@URL@> { ?x ?b ?c } } }",
    "lateral-glued": "SELECT * { ?s ?p ?o LATERAL{SERVICE<@URL@>{?x ?b ?c}} }",
    "from-remote": "SELECT * FROM <@URL@> { ?x ?b ?c }",
    "from-named-remote": "SELECT * FROM NAMED <@URL@> { GRAPH ?g { ?x ?b ?c } }",
    "describe-remote-iri": "DESCRIBE <@URL@>",
    "load-as-query": "LOAD <@URL@>",
    "load-into-graph": "LOAD SILENT <@URL@> INTO GRAPH <urn:g>",
    "insert-with-service": "INSERT { ?x ?b ?c } WHERE { SERVICE <@URL@> { ?x ?b ?c } }",
}


def _query(template: str, canary: Canary) -> str:
    base = f"http://127.0.0.1:{canary.port}/"
    return template.replace("@URL@", canary.url).replace("@BASE@", base).replace("@PORT@", str(canary.port))


@pytest.mark.parametrize("name", sorted(SPELLINGS))
def test_no_spelling_reaches_the_network(client: TestClient, canary: Canary, name: str) -> None:
    query = _query(SPELLINGS[name], canary)
    before = canary.connections
    for response in (
        client.get("/sparql", params={"query": query}),
        client.post("/sparql", content=query, headers={"Content-Type": "application/sparql-query"}),
        client.post("/sparql", data={"update": query}),
    ):
        assert "CANARY" not in response.text, (name, response.status_code, response.text)
        # refused (4xx), or answered from the store alone (FROM / DESCRIBE of a name not stored)
        assert response.status_code < 500, (name, response.status_code, response.text)
    assert canary.connections == before, f"{name}: the canary saw {canary.connections - before} connection(s)"


def test_dataset_parameters_never_fetch(client: TestClient, canary: Canary) -> None:
    before = canary.connections
    for param in ("default-graph-uri", "named-graph-uri"):
        r = client.get("/sparql", params={"query": "SELECT * { ?s ?p ?o }", param: canary.url})
        assert r.status_code == 200
    assert canary.connections == before


def test_issue_reproduction_is_refused_by_the_guard(client: TestClient, canary: Canary) -> None:
    r = client.get("/sparql", params={"query": _query(SPELLINGS["issue-reproduction"], canary)})
    assert r.status_code == 400
    assert "SERVICE is not allowed" in r.text or "cannot parse" in r.text


@pytest.mark.parametrize("name", ["lateral", "rdf-star-quoted-triple", "sparql-1.2-triple-term"])
def test_what_the_checker_cannot_parse_is_refused_even_without_service(client: TestClient, name: str) -> None:
    """Fail closed: a query rdflib's grammar cannot read is refused, never judged by keywords."""
    query = SPELLINGS[name].replace("SERVICE <@URL@> { ?x ?b ?c }", "")
    query = query.replace("LATERAL {  }", "LATERAL { ?s ?p ?o }")
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 400, r.text
    assert "cannot parse" in r.text


def test_hidden_brackets_are_refused_without_killing_a_worker(client: TestClient) -> None:
    """Brackets that a lexer could read as part of an IRI (`<((((...>`) still count."""
    deep = "(" * 3000 + "1" + ")" * 3000
    query = f"SELECT * {{ ?a ?p ?b FILTER(?a<{deep}&&?b>0) }}"
    killed_before = client.get("/health").json()["query_workers"]
    r = client.get("/sparql", params={"query": query})
    assert r.status_code == 400, r.text
    assert "nested too deeply" in r.text
    after = client.get("/health").json()["query_workers"]
    assert after["killed_at_deadline"] == killed_before["killed_at_deadline"]
    # the workers still answer
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_escaped_brackets_count(client: TestClient) -> None:
    deep = "\\u0028" * 200 + "1" + "\\u0029" * 200
    r = client.get("/sparql", params={"query": f"SELECT * {{ FILTER({deep}) }}"})
    assert r.status_code == 400
    assert "nested too deeply" in r.text


SANDBOXED_SERVICE = """
import sys, pyoxigraph as ox
from ingest.store.public import sandbox
print(sandbox.deny_network())
store = ox.Store()
try:
    rows = list(store.query("SELECT * { SERVICE <%s> { ?x ?b ?c } }"))
    print("rows", rows)
except OSError as exc:
    print("refused", exc)
"""


def test_the_sandbox_alone_stops_service(canary: Canary) -> None:
    """Layer 3 on its own: the engine is asked straight for SERVICE, with no guard in front."""
    before = canary.connections
    result = subprocess.run(
        [sys.executable, "-c", SANDBOXED_SERVICE % canary.url],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] in ("seccomp", "netns")
    assert "CANARY" not in result.stdout
    assert canary.connections == before


def test_without_the_sandbox_the_engine_would_call_out(canary: Canary, tmp_path: Path) -> None:
    """The control for the test above: the same script minus the sandbox does reach the canary,
    so the zero counts in this module mean something."""
    before = canary.connections
    script = SANDBOXED_SERVICE.replace("print(sandbox.deny_network())", "print('none')") % canary.url
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "CANARY" in result.stdout
    assert canary.connections > before
    canary.connections = before  # keep the module's count about the endpoint alone


def test_a_result_past_the_byte_cap_is_cut_not_built_whole(tmp_path: Path) -> None:
    """A string doubled 26 times is 64 MB: the answer stays under the byte cap and says it was cut."""
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    binds = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(26))
    query = f'SELECT ?a26 {{ BIND("x" AS ?a0) {binds} }}'
    with TestClient(create_app(Settings(store=store, workers=1, byte_cap=100_000))) as c:
        r = c.get("/sparql", params={"query": query})
        assert r.status_code == 200, r.text
        assert len(r.content) <= 100_000
        assert r.headers["x-truncated"] == "true" and r.headers["x-byte-cap"] == "100000"
        assert r.json()["truncated"] is True
        # rows that fit are kept: the cap cuts at a row, it does not refuse small results
        r = c.get("/sparql", params={"query": "SELECT ?s ?p ?o { ?s ?p ?o }"})
        assert r.status_code == 200 and "x-truncated" not in r.headers
        many = "SELECT ?s ?p ?o ?n { ?s ?p ?o VALUES ?n { 1 2 3 4 5 6 7 8 9 10 } }"
        with TestClient(create_app(Settings(store=store, workers=1, byte_cap=2_000))) as small:
            cut = small.get("/sparql", params={"query": many}, headers={"Accept": "text/csv"})
            assert cut.status_code == 200 and cut.headers["x-truncated"] == "true"
            assert 0 < len(cut.content) <= 2_000
            assert len(cut.text.strip().splitlines()) > 1  # a header and some rows


NO_BARRIER_WORKER = """
import socket, sys
from multiprocessing.connection import Connection
from ingest.store.public import sandbox
from ingest.store.embedded import worker

def unavailable() -> None:
    raise OSError("not on this machine")

# The machine offers neither barrier: the worker must refuse, not run unsandboxed.
sandbox._install_seccomp = unavailable
sandbox._enter_empty_network_namespace = unavailable
ours, theirs = socket.socketpair()
import threading
threading.Thread(target=worker.main, args=(sys.argv[1], Connection(theirs.detach())), daemon=True).start()
conn = Connection(ours.detach())
print(conn.recv()["error"])
conn.send({"query": "ASK {}", "accept": None, "media_type": None, "default_graphs": None, "named_graphs": None,
           "row_cap": 10, "byte_cap": 10000, "max_depth": 40, "base_iri": None})
answer = conn.recv()
print(answer["status"], answer["body"].decode())
"""


def test_workers_without_a_barrier_refuse_to_evaluate(tmp_path: Path) -> None:
    """Fail closed: where neither seccomp nor a network namespace can be put up, the worker
    answers every query with 503 and the reason, and never evaluates unsandboxed."""
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    result = subprocess.run(
        [sys.executable, "-c", NO_BARRIER_WORKER, str(store)], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    error, answer = result.stdout.splitlines()[:2]
    assert "query sandbox unavailable" in error and "not on this machine" in error
    assert answer.startswith("503 query sandbox unavailable")


def test_the_sandbox_can_be_turned_off_on_purpose(tmp_path: Path) -> None:
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    with TestClient(create_app(Settings(store=store, workers=1, query_sandbox="off"))) as c:
        assert c.get("/sparql", params={"query": "ASK {}"}).status_code == 200
    with pytest.raises(ValueError, match="query_sandbox"):
        Settings(store=store, query_sandbox="maybe")
