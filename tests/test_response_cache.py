"""Whole public answers kept by the store's version (api.response_cache): a repeated GET of the
JSON API or of linked data is answered from memory with the same body and headers, and nothing
that could differ between clients is kept. That a new document retires the kept answers is
tested where a store can change while it is served: tests/test_replicas.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from tests.fusion_gold import build_gold_store
from tests.partners_support import add_token, bearer

SPARQL = {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"}


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("gold") / "store"
    build_gold_store(path)
    return path


@pytest.fixture(scope="module")
def client(store: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=store, workers=1, rate_limit=0))) as c:
        yield c


def person(client: TestClient) -> str:
    return str(client.get("/api/persons", params={"limit": 1}).json()["items"][0]["id"])


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/api/persons?limit=5", {}),
        ("/api/events?type=arrest", {}),
        ("/id/person/{id}", {"Accept": "text/html"}),
        ("/id/person/{id}", {"Accept": "text/turtle"}),
        ("/.well-known/void", {}),
    ],
)
def test_a_repeated_get_is_answered_from_memory_alike(client: TestClient, path: str, headers: dict[str, str]) -> None:
    url = path.format(id=person(client))
    first = client.get(url, headers=headers)
    again = client.get(url, headers=headers)
    assert first.status_code == again.status_code == 200
    assert "x-cache" not in first.headers or first.headers["x-cache"] == "hit"  # an earlier test may have asked
    assert again.headers["x-cache"] == "hit"
    assert again.content == first.content
    assert {k: v for k, v in again.headers.items() if k != "x-cache"} == {
        k: v for k, v in first.headers.items() if k != "x-cache"
    }


def test_each_format_and_query_is_kept_apart(client: TestClient) -> None:
    url = f"/id/person/{person(client)}"
    html = client.get(url, headers={"Accept": "text/html"})
    turtle = client.get(url, headers={"Accept": "text/turtle"})
    assert client.get(url, headers={"Accept": "text/turtle"}).content == turtle.content != html.content
    two = client.get("/api/persons", params={"limit": 2}).json()
    three = client.get("/api/persons", params={"limit": 3}).json()
    assert len(two["items"]) == 2 and len(three["items"]) == 3


@pytest.mark.parametrize(
    "headers",
    [{"Authorization": "token"}, {"Cookie": "session=1"}, {"If-None-Match": '"other"'}],
    ids=["token", "cookie", "conditional"],
)
def test_requests_with_credentials_or_conditions_go_to_the_route(
    client: TestClient, store: Path, headers: dict[str, str]
) -> None:
    if headers.get("Authorization") == "token":  # a real token (it may see withheld documents)
        headers = bearer(add_token(store, "reader", "read-withheld"))
    url = "/api/documents?limit=3"
    client.get(url)
    assert client.get(url).headers["x-cache"] == "hit"
    for _ in range(2):
        r = client.get(url, headers=headers)
        assert r.status_code == 200 and "x-cache" not in r.headers


def test_changing_sparql_answers_and_errors_are_never_kept(client: TestClient) -> None:
    """A repeatable SPARQL answer is kept by the route (tests/test_sparql_endpoint.py); one
    that may change from one evaluation to the next never is, nor an error."""
    changing = {"query": "SELECT (COUNT(*) AS ?n) (NOW() AS ?t) WHERE { ?s ?p ?o }"}
    for _ in range(2):
        r = client.get("/sparql", params=changing, headers={"Accept": "text/csv"})
        assert r.status_code == 200 and "x-cache" not in r.headers
    for _ in range(2):
        r = client.get("/sparql", params={"query": "ASK {"}, headers={"Accept": "text/csv"})
        assert r.status_code == 400 and "x-cache" not in r.headers
    for _ in range(2):
        missing = client.get("/api/persons/no-such-person-anywhere/timeline")
        assert missing.status_code == 404 and "x-cache" not in missing.headers


def test_no_memory_no_cache(store: Path) -> None:
    with TestClient(create_app(Settings(store=store, workers=1, rate_limit=0, response_cache_mb=0))) as c:
        for _ in range(2):
            assert "x-cache" not in c.get("/api/persons?limit=5").headers
            assert "x-cache" not in c.get("/sparql", params=SPARQL, headers={"Accept": "text/csv"}).headers


def test_a_bad_setting_is_named() -> None:
    with pytest.raises(ValueError, match="response_cache_mb"):
        Settings(response_cache_mb=-1)


def test_sparql_answers_to_a_token_are_never_kept(client: TestClient, store: Path) -> None:
    headers = {"Accept": "text/csv", **bearer(add_token(store, "sparql-reader", "read-withheld"))}
    client.get("/sparql", params=SPARQL, headers={"Accept": "text/csv"})
    assert client.get("/sparql", params=SPARQL, headers={"Accept": "text/csv"}).headers["x-cache"] == "hit"
    for _ in range(2):
        r = client.get("/sparql", params=SPARQL, headers=headers)
        assert r.status_code == 200 and "x-cache" not in r.headers
