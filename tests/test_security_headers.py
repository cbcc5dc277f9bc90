"""Security headers on every answer of every route family, refusals and errors included, and no
inline script or style in any page, so the Content-Security-Policy holds (issue 15, item 7).
The browser tests (tests/browser, test_proceedings_browser) check the same in Chromium: any
inline style or script a page still had would be refused there, and they fail on it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.security import HEADERS, POLICY
from api.settings import Settings
from tests.fusion_gold import build_gold_store

EXPECTED = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    path = tmp_path_factory.mktemp("gold") / "store"
    build_gold_store(path)
    settings = Settings(store=path, workers=1, max_body=10_000, rate_limit=0.001, rate_burst=100_000)
    app = create_app(settings)

    @app.get("/test-only/boom")
    def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def some(client: TestClient, list_path: str) -> str:
    """The page of the first item of a JSON list."""
    items = client.get(list_path).json()["items"]
    return str(items[0]["href"])


def routes(client: TestClient) -> list[tuple[str, str, dict[str, str]]]:
    """(method, path, headers): one or more of each route family."""
    person = some(client, "/api/persons")
    html, ttl = {"Accept": "text/html"}, {"Accept": "text/turtle"}
    proceeding = client.get("/api/proceedings").json()["items"][0]["id"]
    graph = client.get("/api/documents").json()["items"][0]["graph"]
    graph_path = "/id/" + graph.split("/id/", 1)[1]
    return [
        ("GET", "/", {}),
        ("GET", "/persons", {}),
        ("GET", "/organisations", {}),
        ("GET", "/authorities", {}),
        ("GET", "/events", {}),
        ("GET", "/documents", {}),
        ("GET", "/query", {}),
        ("GET", "/search?q=court", {}),
        ("GET", "/api/passages?q=court", {}),
        ("GET", f"/proceedings/{proceeding}", {}),
        ("GET", person, html),
        ("GET", person, ttl),
        ("GET", person, {"Accept": "application/ld+json"}),
        ("GET", person + "?format=json", {}),
        ("GET", graph_path, html),
        ("GET", graph_path, {"Accept": "application/n-quads"}),
        ("HEAD", person, html),
        ("GET", "/api/persons", {}),
        ("GET", "/api/events?type=arrest", {}),
        ("GET", "/api/stats", {}),
        ("GET", "/api/conflicts", {}),
        ("GET", "/api/proceedings", {}),
        ("GET", "/sparql?query=ASK%20%7B%7D", {"Accept": "application/sparql-results+json"}),
        ("GET", "/sparql", ttl),
        ("GET", "/sparql?query=nonsense", {}),
        ("GET", "/dumps/", html),
        ("GET", "/dumps/casegraph.nq", {}),
        ("GET", "/.well-known/void", ttl),
        ("GET", "/context.jsonld", {}),
        ("GET", "/static/style.css", {}),
        ("GET", "/static/query.js", {}),
        ("GET", "/health", {}),
        ("GET", "/openapi.json", {}),
        ("GET", "/docs", {}),
        ("GET", "/no/such/page", {}),
        ("GET", "/id/person/nobody-at-all", html),
        ("DELETE", "/api/persons", {}),
        ("OPTIONS", "/sparql", {"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"}),
        ("GET", "/test-only/boom", {}),
    ]


def test_every_route_family_sends_the_headers(client: TestClient) -> None:
    seen_statuses = set()
    for method, path, headers in routes(client):
        r = client.request(method, path, headers=headers)
        seen_statuses.add(r.status_code)
        for name, value in EXPECTED.items():
            assert r.headers.get(name) == value, (method, path, r.status_code, name)
        csp = r.headers.get("content-security-policy", "")
        assert "frame-ancestors 'none'" in csp, (method, path)
        assert "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0], (method, path)
        if path != "/docs":
            assert csp == HEADERS["Content-Security-Policy"], (method, path)
    assert {200, 400, 404, 405, 500} <= seen_statuses, "refusals and errors are covered too"


def test_refusals_of_the_middlewares_carry_the_headers(tmp_path: Path) -> None:
    settings = Settings(store=tmp_path / "none", max_body=100, rate_limit=0.001, rate_burst=1)
    with TestClient(create_app(settings)) as c:
        too_big = c.post("/sparql", content=b"x" * 200, headers={"Content-Type": "application/sparql-query"})
        assert too_big.status_code == 413
        limited = c.get("/health")
        assert limited.status_code == 429
        for r in (too_big, limited):
            assert r.headers["x-content-type-options"] == "nosniff"
            assert "default-src 'self'" in r.headers["content-security-policy"]


def test_the_policy_allows_nothing_inline() -> None:
    assert POLICY["script-src"] == "'self'" and POLICY["style-src"] == "'self'"
    assert POLICY["object-src"] == "'none'" and POLICY["frame-ancestors"] == "'none'"


class InlineFinder(HTMLParser):
    """Everything in a page that a CSP without 'unsafe-inline' would refuse."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._script_data = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "style":
            self.found.append("<style> element")
        if "style" in names:
            self.found.append(f"style= on <{tag}>")
        self.found += [f"{a}= on <{tag}>" for a in names if a.startswith("on")]
        if any((v or "").strip().lower().startswith("javascript:") for v in names.values()):
            self.found.append(f"javascript: URL on <{tag}>")
        if tag == "script":
            # code must come from src=; a JSON data block is not code
            self._script_data = "src" not in names and names.get("type") != "application/json"

    def handle_data(self, data: str) -> None:
        if self._script_data and data.strip():
            self.found.append("inline <script> code")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script_data = False


def test_no_page_has_inline_script_or_style(client: TestClient) -> None:
    pages = [(m, p, h) for m, p, h in routes(client) if m == "GET"]
    checked = 0
    for _, path, headers in pages:
        r = client.get(path, headers=headers)
        if not r.headers.get("content-type", "").startswith("text/html"):
            continue
        finder = InlineFinder()
        finder.feed(r.text)
        assert not finder.found, (path, finder.found)
        checked += 1
    assert checked >= 12


def test_templates_have_no_inline_script_or_style() -> None:
    templates = Path(__file__).resolve().parent.parent / "api" / "templates"
    for template in sorted(templates.glob("*.html")):
        text = template.read_text(encoding="utf-8")
        assert "<style" not in text, template.name
        assert not re.search(r"\sstyle\s*=", text), template.name
        assert not re.search(r"\son[a-z]+\s*=", text), template.name
        for script in re.findall(r"<script\b[^>]*>", text):
            assert "src=" in script or 'type="application/json"' in script, (template.name, script)
