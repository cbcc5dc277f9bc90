"""`casegraph serve` as a real server (uvicorn in a subprocess, on a free port)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.serving import GOLD_FILE, PROTOCOL_DATA, ROOT, SLOW_QUERY, load_store, running_server

JSON = {"Accept": "application/sparql-results+json"}


def casegraph(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casegraph", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_serve_builds_an_empty_store_and_keeps_writers_out(tmp_path: Path) -> None:
    store = tmp_path / "store"
    # one curated facts file: the same build route as reports, without the language model
    folder = tmp_path / "documents"
    folder.mkdir()
    documents = [folder / GOLD_FILE.name]
    shutil.copy(GOLD_FILE, documents[0])
    with running_server(store, "--build-if-empty", "--documents", str(folder)) as base:
        health = httpx.get(f"{base}/health").json()
        assert health["status"] == "ok"
        assert health["graphs"] == len(documents) + 1  # the document graphs and the fused view
        assert health["quads"] > 0
        # the graph is queryable: one document node per source file
        q = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <https://w3id.org/casegraph/ontology#Document> }"
        r = httpx.get(f"{base}/sparql", params={"query": q}, headers=JSON)
        assert r.json()["results"]["bindings"][0]["n"]["value"] == str(len(documents))
        # a second process that wants to write gets a clear error, not a crash
        for command in (
            ["build", "--store", str(store), str(documents[0])],
            ["load", "--store", str(store), str(PROTOCOL_DATA)],
        ):
            done = casegraph(*command)
            assert done.returncode == 2, done.stderr
            assert "in use by another process" in done.stderr
            assert "Traceback" not in done.stderr
        assert httpx.get(f"{base}/health").json()["quads"] == health["quads"]
    # once the server has stopped, writers may open the store again
    assert casegraph("load", "--store", str(store), str(PROTOCOL_DATA)).returncode == 0


def test_serve_refuses_a_store_another_process_writes(tmp_path: Path) -> None:
    store = tmp_path / "store"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from ingest.store import connect; s = connect({str(store)!r}); print('ok', flush=True); input()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        done = casegraph("serve", "--store", str(store), "--port", "1")
        assert done.returncode == 2
        assert "in use by another process" in done.stderr
    finally:
        holder.communicate("\n", timeout=30)


def test_a_slow_query_does_not_stop_others_being_served(tmp_path: Path) -> None:
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    with running_server(store, "--query-timeout", "4", "--workers", "2") as base, ThreadPoolExecutor(2) as pool:
        slow = pool.submit(httpx.get, f"{base}/sparql", params={"query": SLOW_QUERY}, headers=JSON, timeout=60)
        while httpx.get(f"{base}/health").json()["query_workers"]["busy"] < 1:  # the slow query is running
            assert not slow.done(), slow.result().text
            time.sleep(0.02)
        # from another client (another loopback address): one client has one worker at most
        with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2")) as other:
            answers = [
                other.get(
                    f"{base}/sparql",
                    params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s ?p ?o }} #{i}"},
                    headers=JSON,
                )
                for i in range(2)
            ]
        assert not slow.done(), "fast queries were answered only after the slow one ended"
        assert all(a.status_code == 200 and a.json()["results"]["bindings"][0]["n"]["value"] == "14" for a in answers)
        stopped = slow.result()
        assert stopped.status_code == 503
        assert "retry-after" in stopped.headers
        health = httpx.get(f"{base}/health").json()
        assert health["query_workers"] == {
            "started": True,
            "alive": 2,
            "busy": 0,
            "waiting": 0,
            "killed_at_deadline": 1,
        }
        assert httpx.get(f"{base}/sparql", params={"query": "ASK {}"}, headers=JSON).json()["boolean"] is True
        # a result far larger than a socket buffer arrives whole (14^3 rows, about 1 MB)
        big = httpx.get(f"{base}/sparql", params={"query": "SELECT * { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}, headers=JSON)
        assert big.status_code == 200 and len(big.json()["results"]["bindings"]) == 14**3
        # the other safety rules, over real HTTP
        deep = "SELECT * WHERE " + "{" * 5_000 + "}" * 5_000  # crashes pyoxigraph's parser if it gets there
        refused = httpx.post(f"{base}/sparql", data={"query": deep}, headers=JSON)
        assert refused.status_code == 400 and "nested too deeply" in refused.text
        service = "SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }"
        assert httpx.get(f"{base}/sparql", params={"query": service}, headers=JSON).status_code == 400
        load = httpx.post(
            f"{base}/sparql",
            content="LOAD <http://127.0.0.1:1/x.ttl>",
            headers={"Content-Type": "application/sparql-update"},
        )
        assert load.status_code == 403
        assert httpx.get(f"{base}/health").json()["quads"] == 14
