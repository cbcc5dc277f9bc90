"""The leak suite (issue 13 item 2): a withheld document leaks through no public path.

Two stores are built with `casegraph build` and served with `casegraph serve`, on the embedded
backend, on two Oxigraph servers and on two Virtuoso servers (the remote backend; Virtuoso's
cases skip, saying why, where Debian's virtuoso-opensource is not installed):

- the attacked one: the sample corpus plus two withheld reports (tests/leak/corpus): a canary
  with strings found nowhere else (a defender, her lawyer, an NGO, a court, a detention centre,
  quote words, the file name) and one that tells more about Max Bokayev, whom a public
  document names (a transfer to a colony and a sentence the public documents never state);
- the oracle: the sample corpus alone.

Both also hold two public reports (tests/leak/public) whose full texts are stored apart from
them (ingest.texts): one whose licence does not allow its full text, with a canary sentence
(TEXT_CANARY) that no evidence quote holds, and one whose sidecar says `text: public`. The
canary is on no public path (but a passage-search hit for the words of its own passage: short
passages are public by design), the open text is, and a token reads both.

Every public path is asked on both and must answer the same (status and body, up to what two
builds cannot share: build times, the store's path). On the attacked server no answer holds a
canary string or IRI; a canary IRI answers 404 with the body of an IRI that was never minted.
Then a `read-withheld` token sees the canary on the same endpoints, `casegraph publish` shows it
to everyone, and `casegraph withhold` takes it away again.

The paths asked (PAGES, API_LISTS, the entity routes of every public entity, LINKED data in
every syntax, DUMPS, SPARQL_ATTACKS, the service description, VoID, /health, passage search,
/api/changes, /reconcile and its preview cards; for the texts also the text graphs'
/id/graph/ID/text and /dumps/graph/ID/text.nq, and `casegraph export --public`) are the list
the README gives.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib import Literal as RdfLiteral

from tests.serving import ROOT, running_server
from tests.store_servers import (
    OXIGRAPH_MISSING,
    VIRTUOSO_MISSING,
    oxigraph_binary,
    oxigraph_server,
    virtuoso_binaries,
    virtuoso_server,
)

CORPUS = Path(__file__).parent / "corpus"
PUBLIC = Path(__file__).parent / "public"  # public reports: one text not public, one public
SAMPLE = ROOT / "data" / "documents"
ID = "https://w3id.org/casegraph/id/"
CANARY = "zq-canary-vault-7731"
SHARED = "zq-shared-person-4410"
# Strings the two withheld reports alone contain (names as written, as their keys fold them,
# quote words, file names).
SECRETS = (
    "Valtrisha",
    "Quennemore",
    "valtrisa",
    "quenemore",
    "Orbelline",
    "orbelline",
    "Glimmerfrost",
    "glimmerfrost",
    "Obsidianwhisper",
    "obsidianwhisper",
    "zephyrquill",
    "Marrowvane",
    "marrowvane",
    "Dormund",
    "Pelliquist",
    "peliquist",
    "zq_canary_vault_7731",
    CANARY,
    "Quillmarsh",
    "quillmarsh",
    "Tessaloon",
    "tessaloon",
    "brindlecove",
    "zq_shared_person_4410",
    SHARED,
    "urn:x-casegraph:store:",
)
# IRIs only the withheld reports mint (their graphs, documents, people and organisations).
CANARY_PATHS = (
    f"graph/{CANARY}",
    f"document/{CANARY}",
    f"graph/{SHARED}",
    f"document/{SHARED}",
    "person/valtrisa-quenemore",
    "person/dormund-peliquist",
    "organisation/obsidianwhisper-legal-aid",
    "organisation/glimmerfrost-rights-watch",
    "organisation/orbelline-district-tribunal",
    "organisation/orbelline-regional-court",
    "organisation/marrowvane-detention-centre",
    "organisation/tessaloon-monitoring-group",
    "organisation/quillmarsh-city-court",
    "organisation/quillmarsh-penal-colony",
)

PAGES = ("/", "/persons", "/organisations", "/authorities", "/events", "/documents", "/query", "/search?q=court")
API_LISTS = (
    "/api/persons?limit=500",
    "/api/persons?q=Quennemore",
    "/api/persons?q=Bokayev",
    "/api/organisations?limit=500",
    "/api/organisations?q=Orbelline",
    "/api/organisations?kind=court&limit=500",
    "/api/authorities?limit=500",
    "/api/events?limit=500",
    "/api/events?type=transfer&limit=500",
    "/api/events?type=sentence&limit=500",
    "/api/events?from=2018-01-01&to=2021-12-31&limit=500",
    "/api/documents?limit=500",
    "/api/stats",
    "/api/examples",
    "/api/conflicts?limit=500",
    "/api/proceedings",
    "/api/passages?q=Orbelline",
    "/api/passages?q=Quillmarsh",
    "/api/passages?q=Bokayev&limit=100",
    "/api/passages?q=detention&limit=100",
    "/api/passages?q=court&limit=100&offset=3",
    "/api/events?person=maks-bokaev&limit=500",
)
LINKED_FORMATS = ("html", "json", "jsonld", "ttl", "nt", "rdf", "trig", "nq")
DUMPS = ("/dumps/", "/dumps/casegraph.nq", "/dumps/casegraph.trig", "/.well-known/void?format=ttl")

CANARY_GRAPH = ID + "graph/" + CANARY
# A public report whose licence does not allow its full text: TEXT_CANARY is in its text only,
# in a passage of its own (no evidence quote, no search word of the suite but its own).
CLOSED = "zq-fulltext-licence-5521"
TEXT_CANARY = "zq-fulltext-canary-5521"
CLOSED_TEXT_GRAPH = f"{ID}graph/{CLOSED}/text"
# A public report whose sidecar says `text: public`: its text graph is public.
OPEN = "zq-opentext-report-3307"
OPEN_MARKER = "zq-opentext-marker-3307"
SCHEMA_TEXT = "https://schema.org/text"
TEXTS = f"SELECT ?d ?t WHERE {{ ?d <{SCHEMA_TEXT}> ?t }}"
Q_TOTAL = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
Q_GRAPHS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
Q_NAMES = "SELECT DISTINCT ?g WHERE { GRAPH ?g { } } ORDER BY ?g"
Q_PEOPLE = (
    "SELECT ?p ?l WHERE { ?p a <https://w3id.org/casegraph/ontology#Person> ; "
    "<http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?p ?l"
)
Q_TEXT = 'SELECT ?s ?o WHERE { ?s ?p ?o FILTER (CONTAINS(LCASE(STR(?o)), "quennemore")) }'
# (query, extra protocol parameters): each must answer on the attacked server what it answers on
# the oracle, where the canary graph does not exist.
SPARQL_ATTACKS: tuple[tuple[str, dict[str, str]], ...] = (
    (Q_TOTAL, {}),
    (Q_GRAPHS, {}),
    (Q_NAMES, {}),
    (Q_PEOPLE, {}),
    (Q_TEXT, {}),
    ("SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }", {}),
    (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{CANARY_GRAPH}> {{ ?s ?p ?o }} }}", {}),
    (f"ASK {{ GRAPH <{CANARY_GRAPH}> {{ ?s ?p ?o }} }}", {}),
    ("ASK { GRAPH <urn:x-casegraph:store:publication> { ?s ?p ?o } }", {}),
    ("ASK { GRAPH <urn:x-casegraph:store:public-union> { ?s ?p ?o } }", {}),
    ("ASK { GRAPH <urn:x-casegraph:store:fused-all> { ?s ?p ?o } }", {}),
    ("SELECT ?g WHERE { GRAPH ?g { } }", {"named-graph-uri": CANARY_GRAPH}),
    (Q_TOTAL, {"default-graph-uri": CANARY_GRAPH}),
    (f"SELECT ?g (COUNT(*) AS ?n) FROM NAMED <{CANARY_GRAPH}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g", {}),
    (f"SELECT ?g FROM NAMED <{CANARY_GRAPH}> WHERE {{ GRAPH ?g {{ }} }}", {}),
    (f"SELECT (COUNT(*) AS ?n) FROM <{CANARY_GRAPH}> WHERE {{ ?s ?p ?o }}", {}),
    (f"DESCRIBE <{ID}person/valtrisa-quenemore>", {}),
    (f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ <{ID}person/maks-bokaev> ?p ?o . BIND(<{ID}person/maks-bokaev> AS ?s) }}", {}),
    # the texts: only the one whose licence allows it, by any route
    (f"SELECT ?d ?t WHERE {{ ?d <{SCHEMA_TEXT}> ?t }} ORDER BY ?d", {}),
    (f"SELECT ?g ?d WHERE {{ GRAPH ?g {{ ?d <{SCHEMA_TEXT}> ?t }} }} ORDER BY ?g", {}),
    (f"ASK {{ GRAPH <{CLOSED_TEXT_GRAPH}> {{ ?s ?p ?o }} }}", {}),
    (f"ASK {{ GRAPH <{CANARY_GRAPH}/text> {{ ?s ?p ?o }} }}", {}),
    (f"SELECT (COUNT(*) AS ?n) FROM <{CLOSED_TEXT_GRAPH}> WHERE {{ ?s ?p ?o }}", {}),
    (f"SELECT ?g FROM NAMED <{CLOSED_TEXT_GRAPH}> WHERE {{ GRAPH ?g {{ }} }}", {}),
    ("SELECT ?g WHERE { GRAPH ?g { } }", {"named-graph-uri": CLOSED_TEXT_GRAPH}),
    (Q_TOTAL, {"default-graph-uri": CLOSED_TEXT_GRAPH}),
    (f"DESCRIBE <{ID}document/{CLOSED}>", {}),
)


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casegraph", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, **(env or {})},
    )


def _build(store: Path | str, *folders: Path, env: dict[str, str] | None = None) -> None:
    done = _cli("build", "--store", str(store), "--quiet", *map(str, folders), env=env)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.fixture(scope="module", params=["embedded", "oxigraph-server", "virtuoso-server"])
def stores(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """The attacked and the oracle store, on each backend: embedded directories, two Oxigraph
    servers or two Virtuoso servers started here (the remote backend, issue 11). `env`: the
    settings each store is reached with (a Virtuoso's, as the README gives them)."""
    root = tmp_path_factory.mktemp("leak")
    env: dict[str, dict[str, str]] = {"attacked": {}, "oracle": {}}
    with contextlib.ExitStack() as servers:
        if request.param == "embedded":
            attacked: Path | str = root / "attacked"
            oracle: Path | str = root / "oracle"
        elif request.param == "oxigraph-server":
            if oxigraph_binary() is None:
                pytest.skip(OXIGRAPH_MISSING)
            attacked = servers.enter_context(oxigraph_server(root / "attacked-db"))
            oracle = servers.enter_context(oxigraph_server(root / "oracle-db"))
        else:
            if virtuoso_binaries() is None:
                pytest.skip(VIRTUOSO_MISSING)
            found = {name: servers.enter_context(virtuoso_server(root / f"{name}-db")) for name in env}
            attacked, oracle = found["attacked"].url, found["oracle"].url
            env = {name: server.env for name, server in found.items()}
        _build(oracle, SAMPLE, PUBLIC, env=env["oracle"])
        _build(attacked, SAMPLE, PUBLIC, CORPUS, env=env["attacked"])
        added = _cli(
            "tokens", "add", "partner", "--scope", "read-withheld", "--store", str(attacked), env=env["attacked"]
        )
        assert added.returncode == 0, added.stderr
        token = root / "token"
        token.write_text(added.stdout.strip().splitlines()[-1], encoding="utf-8")
        yield {"attacked": attacked, "oracle": oracle, "token": token, "backend": request.param, "env": env}


@pytest.fixture(scope="module")
def servers(stores: dict[str, Any]) -> Iterator[dict[str, str]]:
    env = stores["env"]
    with (
        running_server(stores["attacked"], env=env["attacked"]) as attacked,
        running_server(stores["oracle"], env=env["oracle"]) as oracle,
    ):
        yield {"attacked": attacked, "oracle": oracle}


def _get(base: str, path: str, **kw: Any) -> httpx.Response:
    return httpx.get(base + path, timeout=60, **kw)


def _normal(text: str, base: str) -> str:
    """What two builds of the same documents cannot share: the server's origin, build and
    write times, the store's location."""
    text = text.replace(base, "http://SERVER")
    text = re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)?", "TIME", text)
    text = re.sub(r'"store": ?"[^"]*"', '"store": "STORE"', text)
    return text


def _secrets_in(text: str, asked: str = "") -> list[str]:
    """The secrets in an answer, but those the request itself sent (a search echoes its query:
    the comparison with the oracle says whether anything else came with it)."""
    return [s for s in (*SECRETS, TEXT_CANARY) if s in text and s.lower() not in asked.lower()]


def _as_nquads(text: str, syntax: str) -> str:
    data = Dataset()
    data.parse(data=text, format=syntax)
    return "\n".join(sorted(data.serialize(format="nquads").splitlines()))


def _same(servers: dict[str, str], path: str, **kw: Any) -> httpx.Response:
    """Ask both servers; the attacked one must answer as the oracle and hold no secret."""
    a, o = _get(servers["attacked"], path, **kw), _get(servers["oracle"], path, **kw)
    asked = path + json.dumps(kw.get("params", {}))
    assert _secrets_in(a.text, asked) == [], (path, _secrets_in(a.text, asked))
    assert a.status_code == o.status_code, (path, a.status_code, o.status_code, a.text[:300])
    left, right = _normal(a.text, servers["attacked"]), _normal(o.text, servers["oracle"])
    syntax = {"format=rdf": "xml", "format=ttl": "turtle", "format=trig": "trig"}
    for suffix, name in syntax.items():  # written grouped by subject, in each store's order
        if path.startswith("/id/") and path.endswith(suffix):
            left, right = _as_nquads(left, name), _as_nquads(right, name)
    if path.startswith("/dumps/casegraph") or (path.startswith("/id/") and re.search(r"format=(nt|nq|jsonld)\b", path)):
        # the same statements, in the order each store keeps them
        left, right = "\n".join(sorted(left.splitlines())), "\n".join(sorted(right.splitlines()))
    assert left == right, (path, kw)
    return a


def test_pages_and_api_lists_answer_as_the_public_documents_alone(servers: dict[str, str]) -> None:
    for path in (*PAGES, *API_LISTS):
        _same(servers, path, headers={"Accept": "text/html" if not path.startswith("/api/") else "application/json"})


def _items(servers: dict[str, str], path: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = _get(servers["oracle"], path).json()["items"]
    return items


def test_every_public_entity_says_only_what_the_public_documents_say(servers: dict[str, str]) -> None:
    """Each person (their timeline too: Max Bokayev's holds no Quillmarsh), organisation, event,
    document and proceeding of the public store, in JSON, on the attacked server."""
    routes: list[str] = []
    for kind in ("persons", "organisations", "events", "documents"):
        for item in _items(servers, f"/api/{kind}?limit=500"):
            routes.append(f"/api/{kind}/{item['id']}")
            if kind == "persons":
                routes.append(f"/api/persons/{item['id']}/timeline")
    for item in _get(servers["oracle"], "/api/proceedings").json()["items"]:
        routes += [f"/api/proceedings/{item['id']}", f"/api/proceedings/{item['id']}/timeline"]
    assert len(routes) > 50
    for route in routes:
        _same(servers, route)
    bokayev = _get(servers["attacked"], "/api/persons/maks-bokaev/timeline")
    assert bokayev.status_code == 200 and "Quillmarsh" not in bokayev.text


def test_linked_data_in_every_syntax_shows_nothing_withheld(servers: dict[str, str]) -> None:
    paths = ["graph/_fused", "person/maks-bokaev"]
    for kind in ("persons", "organisations", "documents"):
        paths += [i["href"].removeprefix("/id/") for i in _items(servers, f"/api/{kind}?limit=500")[:6]]
    paths += [f"graph/{i['id']}" for i in _items(servers, "/api/documents?limit=500")]
    for path in paths:
        for fmt in LINKED_FORMATS:
            _same(servers, f"/id/{path}?format={fmt}")


def _unknown_twin(path: str) -> str:
    kind, _, _ = path.partition("/")
    return f"{kind}/never-minted-zz-0000"


def test_a_withheld_iri_answers_exactly_as_an_iri_never_minted(servers: dict[str, str]) -> None:
    base = servers["attacked"]
    graph_full = _get(base, f"/id/graph/{CANARY}?format=json")
    assert graph_full.status_code == 404
    events = [f"event/{CANARY}-b154813534b0", f"event/{CANARY}-99342edde816", f"event/{SHARED}-bdf4d377b8c3"]
    texts = [f"graph/{CLOSED}/text", f"graph/{CANARY}/text", f"graph/{SHARED}/text"]
    for path in (*CANARY_PATHS, *events, *texts):
        twin = _unknown_twin(path)
        for fmt in ("html", "json", "ttl"):
            hidden = _get(base, f"/id/{path}?format={fmt}")
            never = _get(base, f"/id/{twin}?format={fmt}")
            assert hidden.status_code == never.status_code == 404, (path, fmt)
            assert hidden.text.replace(path, "X") == never.text.replace(twin, "X"), (path, fmt)
            assert dict(hidden.headers).get("content-type") == dict(never.headers).get("content-type")
    for route, twin in (
        ("/api/persons/valtrisa-quenemore", "/api/persons/never-minted-zz"),
        ("/api/organisations/orbelline-district-tribunal", "/api/organisations/never-minted-zz"),
        (f"/api/documents/{CANARY}", "/api/documents/never-minted-zz"),
        (f"/api/events/{CANARY}-b154813534b0", "/api/events/never-minted-zz"),
        (f"/dumps/graph/{CANARY}.nq", "/dumps/graph/never-minted-zz.nq"),
    ):
        hidden, never = _get(base, route), _get(base, twin)
        assert hidden.status_code == never.status_code == 404, route
        left = hidden.text.replace(route.rsplit("/", 1)[-1].removesuffix(".nq"), "X")
        assert left == never.text.replace(twin.rsplit("/", 1)[-1].removesuffix(".nq"), "X"), route
    for name in (f"{CLOSED}/text", f"{CANARY}/text"):  # a text graph's own dump
        hidden, never = _get(base, f"/dumps/graph/{name}.nq"), _get(base, "/dumps/graph/never-minted-zz/text.nq")
        assert hidden.status_code == never.status_code == 404, name
        assert hidden.text.replace(name, "X") == never.text.replace("never-minted-zz/text", "X"), name


def test_sparql_answers_as_a_store_without_the_withheld_documents(servers: dict[str, str]) -> None:
    for query, extra in SPARQL_ATTACKS:
        for accept in ("application/sparql-results+json", "text/csv"):
            _same(servers, "/sparql", params={"query": query, **extra}, headers={"Accept": accept})
    # POST, and the service description with its triple count
    a = httpx.post(servers["attacked"] + "/sparql", data={"query": Q_TOTAL}, headers={"Accept": "text/csv"})
    o = httpx.post(servers["oracle"] + "/sparql", data={"query": Q_TOTAL}, headers={"Accept": "text/csv"})
    assert a.text == o.text
    _same(servers, "/sparql", headers={"Accept": "text/turtle"})


def test_dumps_void_health_and_counts_are_those_of_the_public_documents(servers: dict[str, str]) -> None:
    for path in DUMPS:
        _same(servers, path)
    for item in _items(servers, "/api/documents?limit=500"):
        _same(servers, f"/dumps/graph/{item['id']}.nq")
    health = [_get(servers[k], "/health").json() for k in ("attacked", "oracle")]
    assert health[0]["quads"] == health[1]["quads"] and health[0]["graphs"] == health[1]["graphs"]
    for name in ("attacked", "oracle"):  # after a search, the index it used
        _get(servers[name], "/api/passages?q=court")
    health = [_get(servers[k], "/health").json() for k in ("attacked", "oracle")]
    assert health[0]["passage_index"]["documents"] == health[1]["passage_index"]["documents"]
    assert health[0]["passage_index"]["passages"] == health[1]["passage_index"]["passages"]


def test_the_changes_feed_and_reconciliation_never_name_a_withheld_document(servers: dict[str, str]) -> None:
    feeds = [_get(servers[k], "/api/changes?since=2000-01-01T00:00:00Z&limit=500") for k in ("attacked", "oracle")]
    assert feeds[0].status_code == feeds[1].status_code == 200
    assert _secrets_in(feeds[0].text) == []

    def graphs(r: httpx.Response) -> list[tuple[str, str]]:
        body = r.json()
        return sorted((c["graph"], c["kind"]) for c in body.get("changes", body.get("items", [])))

    assert graphs(feeds[0]) == graphs(feeds[1])
    queries = json.dumps({"q0": {"query": "Valtrisha Quennemore"}, "q1": {"query": "Max Bokayev"}})
    _same(servers, "/reconcile", params={"queries": queries})
    # The preview cards: a withheld person or court answers as an id never minted, and the card
    # of a person a withheld report also names counts and spells only what public ones say.
    bokayev = _get(servers["oracle"], "/reconcile", params={"queries": queries}).json()["q1"]["result"][0]["id"]
    for entity_id in (bokayev, *(p for p in CANARY_PATHS if p.startswith(("person/", "organisation/")))):
        _same(servers, "/reconcile/preview", params={"id": entity_id})


def _export(store: Path | str, *extra: str, env: dict[str, str] | None = None) -> str:
    done = _cli("export", "--store", str(store), "--format", "nquads", "--out", "-", *extra, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout


def _text_rows(base: str, query: str, headers: dict[str, str] | None = None) -> list[dict[str, Any]]:
    asked = {"Accept": "application/sparql-results+json", **(headers or {})}
    r = httpx.post(base + "/sparql", data={"query": query}, headers=asked, timeout=60)
    assert r.status_code == 200, r.text[:300]
    rows: list[dict[str, Any]] = r.json()["results"]["bindings"]
    return rows


def test_a_closed_text_is_on_no_public_path(stores: dict[str, Any], servers: dict[str, str]) -> None:
    """The canary sentence is in the closed report's text graph alone (no quote of the document
    graph holds it), and neither SPARQL, its graph, its document, the dumps nor `export
    --public` give it; the document itself is public."""
    owners = _export(stores["attacked"], env=stores["env"]["attacked"])
    holding = {line.rsplit(" ", 2)[-2] for line in owners.splitlines() if TEXT_CANARY in line}
    assert holding == {f"<{CLOSED_TEXT_GRAPH}>"}  # the corpus is what this test needs
    public = _export(stores["attacked"], "--public", env=stores["env"]["attacked"])
    assert TEXT_CANARY not in public and _secrets_in(public) == []
    assert f"<{ID}graph/{CLOSED}>" in public and f"<{CLOSED_TEXT_GRAPH}>" not in public
    base = servers["attacked"]
    texts = _text_rows(base, TEXTS)
    assert [r["d"]["value"] for r in texts] == [f"{ID}document/{OPEN}"]  # no sample report says `text: public`
    for path in (
        f"/id/document/{CLOSED}?format=nq",
        f"/id/graph/{CLOSED}?format=nq",
        f"/api/documents/{CLOSED}",
        "/dumps/casegraph.nq",
        "/dumps/casegraph.trig",
    ):
        r = _get(base, path)
        assert r.status_code == 200 and TEXT_CANARY not in r.text, path
    assert CLOSED in _get(base, "/api/documents?limit=500").text


def test_a_text_its_licence_allows_is_public(servers: dict[str, str]) -> None:
    """`text: public`: SPARQL, the text graph, the document's description and the dumps give
    the full text, and VoID says which texts are public."""
    base = servers["attacked"]
    [row] = _text_rows(base, f"SELECT ?t WHERE {{ <{ID}document/{OPEN}> <{SCHEMA_TEXT}> ?t }}")
    text = row["t"]["value"]
    assert OPEN_MARKER in text and text.startswith("Larkspur Open Monitor")
    for path in (
        f"/id/graph/{OPEN}/text?format=nq",
        f"/dumps/graph/{OPEN}/text.nq",
        f"/id/document/{OPEN}?format=ttl",
        "/dumps/casegraph.nq",
    ):
        r = _get(base, path)
        assert r.status_code == 200 and OPEN_MARKER in r.text, path
    graph = _get(base, f"/dumps/graph/{OPEN}/text.nq").text.splitlines()
    assert graph and all(line.endswith(f"<{ID}graph/{OPEN}/text> .") for line in graph if line)
    about = _get(base, f"/id/graph/{OPEN}/text?format=json").json()
    assert about["kind"] == "document text" and about["label"] == "text of zq_opentext_report_3307.txt"
    assert about["document"]["iri"] == f"{ID}document/{OPEN}" and about["triples"] == 1
    void = Graph().parse(data=_get(base, "/.well-known/void?format=ttl").text, format="turtle")
    flag = URIRef("https://w3id.org/casegraph/ontology#textPublic")
    assert set(void.objects(URIRef(f"{ID}document/{OPEN}"), flag)) == {RdfLiteral(True)}
    assert set(void.objects(URIRef(f"{ID}document/{CLOSED}"), flag)) == {RdfLiteral(False)}
    feed = _get(base, "/api/changes?since=2000-01-01T00:00:00Z&limit=500").json()["changes"]
    listed = {c["graph"] for c in feed}
    assert f"{ID}graph/{OPEN}/text" in listed and CLOSED_TEXT_GRAPH not in listed


def test_passages_of_a_text_not_public_are_short_hits(servers: dict[str, str]) -> None:
    """Passage search reads the closed text beneath the public view: its hits come back, each a
    passage of at most MAX_PASSAGE characters, never the whole text, and only the passage that
    holds the canary shows it."""
    from ingest.passages import MAX_PASSAGE

    base = servers["attacked"]
    body = _get(base, "/api/passages", params={"q": "Ashdale", "limit": 100}).json()
    mine = [h for h in body["items"] if h["document"]["iri"] == f"{ID}document/{CLOSED}"]
    assert len(mine) >= 2 and all(len(h["quote"]) <= MAX_PASSAGE for h in mine)
    assert all(TEXT_CANARY not in h["quote"] for h in mine)
    [hit] = _get(base, "/api/passages", params={"q": f'"{TEXT_CANARY}"'}).json()["items"]
    assert TEXT_CANARY in hit["quote"] and len(hit["quote"]) <= MAX_PASSAGE
    assert "Velmora City Court" not in hit["quote"]  # one passage, not the text around it


def test_etags_do_not_move_when_a_withheld_document_is_built(tmp_path: Path) -> None:
    store = tmp_path / "store"
    _build(store, SAMPLE)
    paths = ("/api/documents", "/api/persons", "/dumps/casegraph.nq", "/.well-known/void")
    with running_server(store) as base:
        before = {p: _get(base, p).headers.get("etag") for p in paths}
    _build(store, CORPUS)
    with running_server(store) as base:
        after = {p: _get(base, p).headers.get("etag") for p in paths}
        assert "Quennemore" not in _get(base, "/api/persons?limit=500").text
    assert all(before.values()) and before == after


def _copy_store(store: Path, target: Path) -> Path:
    """The store and everything beside it (lock, passage index, graph times, tokens), while the
    module's servers keep reading the original."""
    target.mkdir()
    for item in store.parent.iterdir():
        if item.name.startswith(store.name) and not item.name.endswith(".lock"):
            copy = target / item.name
            shutil.copytree(item, copy) if item.is_dir() else shutil.copy2(item, copy)
    return target / store.name


def test_a_token_sees_it_publish_shows_it_and_withhold_takes_it_back(stores: dict[str, Any], tmp_path: Path) -> None:
    """On a copy of the embedded store (the module's servers keep reading the original); on a
    server, on the attacked store itself, which the test leaves withheld again."""
    token = stores["token"].read_text(encoding="utf-8").strip()
    env = stores["env"]["attacked"]
    if stores["backend"] == "embedded":
        stores = {**stores, "attacked": _copy_store(stores["attacked"], tmp_path / "copy")}
    with running_server(stores["attacked"], env=env) as base:
        seen = _get(base, "/api/persons?q=Quennemore", headers={"Authorization": f"Bearer {token}"})
        assert seen.status_code == 200 and "Quennemore" in seen.text
        graph = _get(base, f"/id/graph/{CANARY}?format=nq", headers={"Authorization": f"Bearer {token}"})
        assert graph.status_code == 200 and "zephyrquill" in graph.text
        count = {"query": f"ASK {{ GRAPH <{CANARY_GRAPH}> {{ ?s ?p ?o }} }}"}
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/sparql-results+json"}
        assert _get(base, "/sparql", params=count, headers=headers).json()["boolean"] is True
        # Without the token the canary graph answers as a graph never minted: false, except on
        # Virtuoso, which answers true for every graph outside the dataset it is sent (README).
        never = {"query": f"ASK {{ GRAPH <{ID}graph/never-minted-zz> {{ ?s ?p ?o }} }}"}
        public = [_get(base, "/sparql", params=q, headers={"Accept": headers["Accept"]}).json() for q in (count, never)]
        assert public[0] == public[1] and (public[0]["boolean"] is False or stores["backend"] == "virtuoso-server")
        assert "Quennemore" not in _get(base, "/api/persons?q=Quennemore").text
        # ... and every full text: the closed report's and the withheld canary's
        bearer = {"Authorization": f"Bearer {token}"}
        texts = {r["d"]["value"]: r["t"]["value"] for r in _text_rows(base, TEXTS, headers=bearer)}
        assert TEXT_CANARY in texts[f"{ID}document/{CLOSED}"] and OPEN_MARKER in texts[f"{ID}document/{OPEN}"]
        assert "Marrowvane Detention Centre" in texts[f"{ID}document/{CANARY}"]
        closed = _get(base, f"/id/graph/{CLOSED}/text?format=nq", headers=bearer)
        assert closed.status_code == 200 and TEXT_CANARY in closed.text
        assert TEXT_CANARY in _get(base, "/dumps/casegraph.nq", headers=bearer).text
        assert _get(base, f"/id/graph/{CLOSED}/text?format=nq").status_code == 404
    published = _cli("publish", "--store", str(stores["attacked"]), CANARY, env=env)
    assert published.returncode == 0 and published.stdout.splitlines() == [f"public: {CANARY} (was withheld)"]
    with running_server(stores["attacked"], env=env) as base:
        assert "Quennemore" in _get(base, "/api/persons?q=Quennemore").text
        assert _get(base, f"/id/graph/{CANARY}?format=json").status_code == 200
        # a published document's text stays the publisher's: its sidecar does not say `text: public`
        assert _get(base, f"/id/graph/{CANARY}/text?format=nq").status_code == 404
        assert f"{ID}document/{CANARY}" not in {r["d"]["value"] for r in _text_rows(base, TEXTS)}
        assert (
            "quennemore" in _get(base, "/sparql", params={"query": Q_TEXT}, headers={"Accept": "text/csv"}).text.lower()
        )
    withheld = _cli("withhold", "--store", str(stores["attacked"]), f"{ID}document/{CANARY}", env=env)
    assert withheld.stdout.splitlines() == [f"withheld: {CANARY} (was public)"]
    with running_server(stores["attacked"], env=env) as base:
        for path in (
            "/api/persons?limit=500",
            "/api/documents?limit=500",
            "/api/passages?q=Orbelline",
            "/dumps/casegraph.nq",
        ):
            assert _secrets_in(_get(base, path).text, path) == [], path
        assert _get(base, f"/id/graph/{CANARY}?format=json").status_code == 404
        feed = _get(base, "/api/changes?since=2000-01-01T00:00:00Z&limit=500").text
        assert CANARY_GRAPH in feed and "withdrawn" in feed  # once public, it is withdrawn without content
        assert "Quennemore" not in feed
