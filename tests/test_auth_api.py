"""Bearer tokens against a real server: the 401/403 matrix, one body for every bad token, tokens
refused in URLs and never logged, brute force slowed to 429."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.partners_support import Server, add_token, bearer, cli, served
from tests.serving import PROTOCOL_DATA, load_store

TOKENS = {
    "admin": ("root", ("admin",)),
    "ingest": ("uploader", ("ingest",)),
    "reader": ("reader", ("read-withheld",)),
    "revoked": ("former", ("admin",)),
    "expired": ("lapsed", ("admin",)),
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, dict[str, str]]]:
    root = tmp_path_factory.mktemp("auth")
    store = load_store(root / "store", PROTOCOL_DATA)
    tokens = {key: add_token(store, name, *scopes, expires="2099-01-01") for key, (name, scopes) in TOKENS.items()}
    assert cli("tokens", "revoke", "former", "--store", str(store)).returncode == 0
    with sqlite3.connect(root / "store.tokens.sqlite") as db:
        db.execute("UPDATE tokens SET expires = '2001-01-01T00:00:00+00:00' WHERE name = 'lapsed'")
    # Plenty of failures allowed here: the brute-force test has its own server.
    env = {"CASEGRAPH_AUTH_FAILURE_BURST": "1000"}
    with served(store, root / "server.log", "--log-level", "info", env=env) as running:
        yield running, tokens


def test_every_bad_token_gets_the_same_401(server: tuple[Server, dict[str, str]]) -> None:
    srv, tokens = server
    good = tokens["admin"]
    bad = {
        "none": {},
        "wrong secret": bearer(good[:-2] + ("xy" if not good.endswith("xy") else "zz")),
        "unknown id": bearer("cg_0123456789ab_" + "A" * 43),
        "garbage": bearer("hunter2"),
        "revoked": bearer(tokens["revoked"]),
        "expired": bearer(tokens["expired"]),
        "basic auth": {"Authorization": "Basic cm9vdDpyb290"},
    }
    answers = {name: httpx.get(f"{srv.base}/api/audit", headers=h, timeout=30) for name, h in bad.items()}
    for name, answer in answers.items():
        assert answer.status_code == 401, (name, answer.text)
    assert len({a.content for a in answers.values()}) == 1  # nothing tells one failure from another
    assert answers["none"].json() == {"error": "unauthorized"}
    assert answers["revoked"].headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    ("route", "method", "allowed"),
    [
        ("/api/audit", "GET", {"admin"}),
        ("/api/documents", "POST", {"admin", "ingest"}),
        ("/api/documents/x/facts", "PUT", {"admin"}),
        ("/api/jobs/0123456789abcdef", "GET", {"admin", "ingest"}),
    ],
)
def test_a_valid_token_without_the_scope_gets_403(
    server: tuple[Server, dict[str, str]], route: str, method: str, allowed: set[str]
) -> None:
    srv, tokens = server
    for key in ("admin", "ingest", "reader"):
        answer = httpx.request(method, f"{srv.base}{route}", headers=bearer(tokens[key]), timeout=30)
        if key in allowed:
            # Past the scope check: the audit trail answers, the writes say this server is read-only.
            assert answer.status_code in (200, 503), (key, route, answer.text)
            if answer.status_code == 503:
                assert answer.json()["error"] == "writes are off"
        else:
            assert answer.status_code == 403, (key, route, answer.text)
            assert "scope" in answer.json()["detail"]
    assert httpx.request(method, f"{srv.base}{route}", timeout=30).status_code == 401


def test_public_routes_answer_valid_tokens_and_refuse_bad_ones(server: tuple[Server, dict[str, str]]) -> None:
    srv, tokens = server
    assert httpx.get(f"{srv.base}/health", timeout=30).status_code == 200
    assert httpx.get(f"{srv.base}/health", headers=bearer(tokens["reader"]), timeout=30).status_code == 200
    # A lapsed token is told so rather than quietly served the public view.
    assert httpx.get(f"{srv.base}/health", headers=bearer(tokens["expired"]), timeout=30).status_code == 401


def test_tokens_in_the_url_are_refused_and_never_logged(server: tuple[Server, dict[str, str]]) -> None:
    srv, tokens = server
    token = tokens["admin"]
    for url in (
        f"/api/audit?token={token}",
        f"/sparql?query=ASK%7B%7D&access_token={token}",
        f"/health?ACCESS_TOKEN={token}",
        f"/health?%74oken={token}",  # the key percent-encoded
    ):
        answer = httpx.get(srv.base + url, timeout=30)
        assert answer.status_code == 400, (url, answer.text)
        assert "Authorization" in answer.text
    assert httpx.get(f"{srv.base}/api/audit", headers=bearer(token), timeout=30).status_code == 200
    assert httpx.get(f"{srv.base}/api/audit", headers=bearer(token + "x"), timeout=30).status_code == 401
    log = srv.output()
    assert "GET /health?[redacted]" in log  # the access log is on, and shows the refusal
    assert token not in log and token.split("_")[-1] not in log
    assert "Bearer" not in log and "Authorization" not in log


def test_audit_over_http_is_for_admins_and_filters_by_since(server: tuple[Server, dict[str, str]]) -> None:
    srv, tokens = server
    answer = httpx.get(f"{srv.base}/api/audit", headers=bearer(tokens["admin"]), timeout=30)
    assert answer.status_code == 200
    whats = [line["what"] for line in answer.json()["lines"]]
    assert whats.count("token add") == len(TOKENS) and "token revoke" in whats
    later = httpx.get(f"{srv.base}/api/audit?since=2999-01-01", headers=bearer(tokens["admin"]), timeout=30)
    assert later.json()["lines"] == []
    bad = httpx.get(f"{srv.base}/api/audit?since=soon", headers=bearer(tokens["admin"]), timeout=30)
    assert bad.status_code == 400


def test_guessing_tokens_is_rate_limited_per_client(tmp_path: Path) -> None:
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    token = add_token(store, "partner", "admin")
    env = {"CASEGRAPH_AUTH_FAILURE_BURST": "5", "CASEGRAPH_AUTH_FAILURE_RATE": "0.05"}
    with served(store, tmp_path / "server.log", env=env) as srv:
        statuses = []
        for guess in range(12):
            answer = httpx.get(f"{srv.base}/api/audit", headers=bearer(f"cg_{guess:012x}_" + "B" * 43), timeout=30)
            statuses.append(answer.status_code)
        assert statuses[:5] == [401] * 5
        assert set(statuses[5:]) == {429}
        limited = httpx.get(f"{srv.base}/api/audit", headers=bearer("cg_000000000000_" + "C" * 43), timeout=30)
        assert int(limited.headers["retry-after"]) >= 1
        # Anonymous requests from that client are not authentications: they still pass.
        assert httpx.get(f"{srv.base}/health", timeout=30).status_code == 200
        # Even the right token waits: the guesser cannot tell a hit from a miss.
        assert httpx.get(f"{srv.base}/api/audit", headers=bearer(token), timeout=30).status_code == 429
