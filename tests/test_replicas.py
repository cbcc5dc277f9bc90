"""Replicas (issue 11): two `casegraph serve` processes over one store on a database server
(Oxigraph, and Virtuoso with the README's settings) answer alike, and a document built into the
store while they serve appears in both without a restart (their caches and ETags follow the
store's last-modified time)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.serving import ROOT, running_server
from tests.store_servers import OXIGRAPH_MISSING, VirtuosoServer, oxigraph_binary, oxigraph_server, wipe_virtuoso

GOLD = sorted((ROOT / "tests" / "fixtures" / "gold").glob("*.yaml"))


def build(url: str, passages: Path, *files: Path, env: dict[str, str]) -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "casegraph",
            "build",
            "--store",
            url,
            "--passages",
            str(passages),
            "--quiet",
            *map(str, files),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **env},
    )
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def oxigraph_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if oxigraph_binary() is None:
        pytest.skip(OXIGRAPH_MISSING)
    with oxigraph_server(tmp_path_factory.mktemp("replicas") / "db") as url:
        yield url


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request: pytest.FixtureRequest) -> tuple[str, dict[str, str]]:
    """An empty store on each server: its URL and the environment the processes get."""
    if request.param == "virtuoso":
        server: VirtuosoServer = request.getfixturevalue("virtuoso")
        wipe_virtuoso(server)
        return server.url, server.env
    url: str = request.getfixturevalue("oxigraph_url")
    return url, {}


def documents(base: str) -> set[str]:
    body = httpx.get(f"{base}/api/documents", params={"limit": 100}, timeout=30).json()
    return {d["id"] for d in body["items"]}


def test_two_servers_over_one_store_see_a_new_document_without_restart(
    store: tuple[str, dict[str, str]], tmp_path: Path
) -> None:
    store_url, server_env = store
    build(store_url, tmp_path / "build.sqlite", GOLD[0], env=server_env)
    env = {"CASEGRAPH_STORE_POLL": "0.2", **server_env}
    with (
        running_server(store_url, "--passages", str(tmp_path / "a.sqlite"), env=env) as a,  # type: ignore[arg-type]
        running_server(store_url, "--passages", str(tmp_path / "b.sqlite"), env=env) as b,  # type: ignore[arg-type]
    ):
        first_a, first_b = documents(a), documents(b)
        assert first_a == first_b and len(first_a) == 1
        r = httpx.get(f"{a}/api/documents")
        tag = r.headers["etag"]
        assert httpx.get(f"{a}/api/documents", headers={"If-None-Match": tag}).status_code == 304
        query = {"query": "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}
        count_before = httpx.get(f"{b}/sparql", params=query, headers={"Accept": "text/csv"}).text

        build(store_url, tmp_path / "build.sqlite", GOLD[1], env=server_env)  # while both serve
        time.sleep(0.5)
        assert documents(a) == documents(b) and len(documents(a)) == 2
        assert httpx.get(f"{a}/api/documents", headers={"If-None-Match": tag}).status_code == 200
        assert httpx.get(f"{b}/sparql", params=query, headers={"Accept": "text/csv"}).text != count_before
        persons_a = httpx.get(f"{a}/api/persons", params={"limit": 500}).json()
        assert persons_a == httpx.get(f"{b}/api/persons", params={"limit": 500}).json()
