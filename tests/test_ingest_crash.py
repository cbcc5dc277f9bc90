"""A server killed with SIGKILL in the middle of an ingest job: nothing half-stored, and on
restart the job is run again (the build is idempotent) and reported done, with a line saying
what happened; a job still queued at the kill runs too."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import httpx

from ingest.store.embedded import EmbeddedStore
from ingest.store.terms import IRI
from tests.partners_support import REPORT, add_token, bearer, served, sparql_graphs, start_server, upload, wait_job
from tests.serving import PROTOCOL_DATA, load_store

STAMP = "https://w3id.org/casegraph/ontology#inputHash"


def _job_rows(path: Path) -> dict[str, str]:
    with sqlite3.connect(path) as db:
        return dict(db.execute("SELECT id, status FROM jobs"))


def test_kill_9_mid_job_then_restart_resumes_the_job(tmp_path: Path) -> None:
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    token = add_token(store, "crash", "ingest", "read-withheld")
    log = tmp_path / "server.log"
    server = start_server(store, log, "--writable")
    try:
        first = upload(server.base, token, REPORT.encode(), "one.txt").json()
        second = upload(server.base, token, REPORT.replace("June", "July").encode(), "two.txt").json()
        give_up = time.monotonic() + 60
        while httpx.get(f"{server.base}/api/jobs/{first['job']}", headers=bearer(token)).json()["status"] != "running":
            assert time.monotonic() < give_up, "the job never started"
            time.sleep(0.02)
        server.kill9()
    finally:
        server.stop()
    assert _job_rows(tmp_path / "store.jobs.sqlite") == {first["job"]: "running", second["job"]: "queued"}
    # What the killed server left: each upload's graph is absent or whole (stamped), never half.
    left = EmbeddedStore(store, read_only=True)
    try:
        for job in (first, second):
            graph = job["document"].replace("/document/", "/graph/")
            quads = list(left.quads(graph))
            stamped = any(q.predicate == IRI(STAMP) for q in quads)
            assert not quads or stamped, f"{graph} is half-stored: {len(quads)} quads without its stamp"
    finally:
        left.close()
    with served(store, log, "--writable") as again:
        done = wait_job(again.base, token, first["job"])
        assert done["status"] == "done", done
        assert any("the server stopped during this job" in line for line in done["lines"]), done
        queued = wait_job(again.base, token, second["job"])
        assert queued["status"] == "done", queued
        graphs = sparql_graphs(again.base, token)
        for job in (done, queued):
            assert graphs.get(job["document"].replace("/document/", "/graph/"), 0) > 0


def test_a_writable_server_over_a_database_server_ingests_too(tmp_path: Path) -> None:
    """On a store on a SPARQL server, the job writes to that server and the public queries see
    it at once (no snapshots); the local files go where the settings say."""
    import pytest

    from tests.store_servers import oxigraph_binary, oxigraph_server

    if oxigraph_binary() is None:
        pytest.skip("the oxigraph server binary (dev dependency) is not installed")
    files = {
        "CASEGRAPH_TOKENS": str(tmp_path / "t.sqlite"),
        "CASEGRAPH_AUDIT": str(tmp_path / "a.jsonl"),
        "CASEGRAPH_JOBS": str(tmp_path / "j.jobs.sqlite"),
    }
    with oxigraph_server(tmp_path / "oxigraph") as url:
        from tests.partners_support import cli

        made = cli(
            "tokens", "add", "remote", "--scope", "ingest", "--scope", "read-withheld", "--store", url, env=files
        )
        assert made.returncode == 0, made.stderr
        token = made.stdout.strip().splitlines()[-1]
        extra = ("--writable", "--passages", str(tmp_path / "p.sqlite"))
        with served(url, tmp_path / "server.log", *extra, env=files) as server:
            job = wait_job(server.base, token, upload(server.base, token, REPORT.encode(), "r.txt").json()["job"])
            assert job["status"] == "done", job
            assert sparql_graphs(server.base, token).get(job["document"].replace("/document/", "/graph/"), 0) > 0
    assert (tmp_path / "j.inbox").is_dir() and list((tmp_path / "j.inbox").glob("upload-*.txt"))
    assert '"what": "ingest"' in (tmp_path / "a.jsonl").read_text()
