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
