"""The ingest API against a real writable server: uploads become jobs, jobs become documents
(the same pipeline as `casegraph build`), and the abuse cases get what they should."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.bad_inputs import REPORT as OTHER_REPORT
from tests.bad_inputs import make_pdf, pdf_bomb
from tests.partners_support import CANARY, REPORT, Server, add_token, bearer, served, sparql_graphs, upload, wait_job
from tests.serving import PROTOCOL_DATA, load_store

MAX_UPLOAD = 4_000_000
ENV = {
    "CASEGRAPH_MAX_UPLOAD": str(MAX_UPLOAD),
    "CASEGRAPH_INGEST_BURST": "6",
    "CASEGRAPH_INGEST_RATE": "0.01",
}


class Site:
    def __init__(self, root: Path, server: Server, store: Path) -> None:
        self.root, self.server, self.store, self.base = root, server, store, server.base
        self.admin = add_token(store, "root", "admin")
        self.reader = add_token(store, "reader", "read-withheld")
        self.curator = add_token(store, "curator", "curate")

    def ingest_token(self, name: str) -> str:
        """A fresh ingest token per test: the per-token upload limit never spills across tests."""
        return add_token(self.store, name, "ingest")

    def audit(self) -> list[dict[str, object]]:
        lines = (self.root / "store.audit.jsonl").read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    root = tmp_path_factory.mktemp("ingest")
    store = load_store(root / "store", PROTOCOL_DATA)
    with served(store, root / "server.log", "--writable", env=ENV) as server:
        yield Site(root, server, store)


def _graph_of(job: dict[str, object]) -> str:
    return str(job["document"]).replace("/document/", "/graph/")


def test_an_upload_becomes_a_stored_document(site: Site) -> None:
    token = site.ingest_token("first")
    answer = upload(site.base, token, REPORT.encode(), "valdora.txt", title="Lawyer detained in Valdora")
    assert answer.status_code == 202, answer.text
    body = answer.json()
    assert answer.headers["location"] == f"/api/jobs/{body['job']}" and body["status"] == "queued"
    job = wait_job(site.base, token, body["job"])
    assert job["status"] == "done", job
    assert any(line.startswith("stored upload-") for line in job["lines"])
    assert job["lines"][-1].startswith("1 documents stored")
    # Nothing about the rest of the store (its fused totals count withheld documents too).
    assert not any("fused" in line or "passage index" in line for line in job["lines"]), job
    graphs = sparql_graphs(site.base, site.reader)
    assert graphs.get(_graph_of(job), 0) > 0
    # The canary's name and the title are in the store, as extraction read them.
    query = f'ASK {{ GRAPH <{_graph_of(job)}> {{ ?d <http://purl.org/dc/terms/title> "Lawyer detained in Valdora" }} }}'
    asked = httpx.get(f"{site.base}/sparql", params={"query": query}, headers=bearer(site.reader), timeout=30)
    assert asked.json()["boolean"] is True
    # Passage search finds its text once the job is done.
    found = httpx.get(f"{site.base}/api/passages", params={"q": CANARY}, headers=bearer(site.reader), timeout=30)
    assert found.status_code == 200 and found.json()["total"] >= 1, found.text
    # The inbox keeps the upload under its content hash, not the name sent.
    assert not list(site.root.rglob("valdora.txt"))
    # A job is its owner's: another ingest token is told it does not exist.
    other = site.ingest_token("first-other")
    assert httpx.get(f"{site.base}/api/jobs/{body['job']}", headers=bearer(other), timeout=30).status_code == 404
    assert httpx.get(f"{site.base}/api/jobs/{body['job']}", headers=bearer(site.admin), timeout=30).status_code == 200
    lines = [x for x in site.audit() if x.get("job") == body["job"]]
    assert len(lines) == 1 and lines[0]["who"] == "token:first" and lines[0]["what"] == "ingest"
    assert lines[0]["document"] == job["document"] and str(lines[0]["content_hash"]).startswith("sha256:")


def test_uploads_are_withheld_by_default(site: Site) -> None:
    token = site.ingest_token("withheld-default")
    text = REPORT.replace(CANARY, "Ondrej Vasquillo")
    job = wait_job(site.base, token, upload(site.base, token, text.encode(), "w.txt").json()["job"])
    assert job["status"] == "done", job
    assert _graph_of(job) not in sparql_graphs(site.base)
    assert _graph_of(job) in sparql_graphs(site.base, site.reader)
    public = upload(site.base, token, text.encode() + b"\n", "p.txt", publication="public")
    assert public.status_code == 403  # publishing at once needs curate as well


def publish(site: Site, document: str, state: str, token: str | None = None, **kwargs: object) -> httpx.Response:
    return httpx.put(
        f"{site.base}/api/documents/{document}/publication",
        json=kwargs.get("body", {"publication": state}),
        headers=bearer(token or site.curator),
        timeout=60,
    )


def test_an_editor_publishes_and_withholds_an_upload_over_http(site: Site) -> None:
    token = site.ingest_token("editor-flow")
    text = REPORT.replace(CANARY, "Tamsin Oyelaran-Buck")
    job = wait_job(site.base, token, upload(site.base, token, text.encode(), "e.txt").json()["job"])
    graph, document = _graph_of(job), str(job["document"]).rsplit("/", 1)[-1]
    assert graph not in sparql_graphs(site.base)

    assert publish(site, document, "public", token).status_code == 403  # ingest alone cannot publish
    anonymous = httpx.put(f"{site.base}/api/documents/{document}/publication", json={"publication": "public"})
    assert anonymous.status_code == 401
    assert publish(site, "no-such-document", "public").status_code == 404
    assert publish(site, "..%2F..%2Fetc", "public").status_code == 404
    assert publish(site, document, "public", body={"publication": "secret"}).status_code == 422

    answer = publish(site, document, "public")
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"document": document, "publication": "public", "before": "withheld", "changed": True}
    assert graph in sparql_graphs(site.base)
    assert publish(site, document, "public").json()["changed"] is False

    assert publish(site, document, "withheld").json()["before"] == "public"
    assert graph not in sparql_graphs(site.base)  # at once: no public query reads an older snapshot
    people = httpx.get(f"{site.base}/api/persons", params={"q": "Oyelaran"}, timeout=30).text
    assert "Oyelaran" not in people
    trail = [(line["what"], line["who"]) for line in site.audit() if str(line.get("document", "")).endswith(document)]
    assert ("publish", "token:curator") in trail and ("withhold", "token:curator") in trail


def test_the_same_bytes_twice_are_one_document(site: Site) -> None:
    token = site.ingest_token("twice")
    data = REPORT.replace("5 June", "6 June").encode()
    first = wait_job(site.base, token, upload(site.base, token, data, "a.txt").json()["job"])
    second = wait_job(site.base, token, upload(site.base, token, data, "b-other-name.txt").json()["job"])
    assert first["status"] == second["status"] == "done"
    assert first["document"] == second["document"]
    assert any("unchanged" in line for line in second["lines"]), second
    assert not any(line.startswith("stored") for line in second["lines"])


def test_concurrent_uploads_of_one_file_give_one_document(site: Site) -> None:
    token = site.ingest_token("concurrent")
    data = REPORT.replace("7 June", "8 June").encode()
    answers: list[httpx.Response] = []

    def send() -> None:
        answers.append(upload(site.base, token, data, "same.txt"))

    threads = [threading.Thread(target=send) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert [a.status_code for a in answers] == [202] * 4
    jobs = [wait_job(site.base, token, a.json()["job"]) for a in answers]
    assert {j["status"] for j in jobs} == {"done"}
    assert len({j["document"] for j in jobs}) == 1
    stored = [line for j in jobs for line in j["lines"] if line.startswith("stored")]
    assert len(stored) == 1, jobs
    assert sum(1 for g in sparql_graphs(site.base, site.reader) if g == _graph_of(jobs[0])) == 1


def test_a_pdf_upload_goes_through_the_pdf_reader(site: Site) -> None:
    token = site.ingest_token("pdf")
    answer = upload(site.base, token, make_pdf(OTHER_REPORT.splitlines()), "r.pdf", "application/pdf")
    job = wait_job(site.base, token, answer.json()["job"])
    assert job["status"] == "done", job
    assert str(job["document"]).split("/")[-1].startswith("upload-")


def test_oversized_uploads_get_413(site: Site) -> None:
    token = site.ingest_token("big")
    # A declared length over the cap: refused before a byte of the body is sent.
    host, port = site.base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as conn:
        conn.sendall(
            b"POST /api/documents HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token.encode() + b"\r\n"
            b"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: 999999999\r\n\r\n"
        )
        head = conn.recv(4096)
    assert head.startswith(b"HTTP/1.1 413"), head

    def chunks() -> Iterator[bytes]:  # no Content-Length: cut off while streaming
        yield b'--x\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n'
        yield b"Content-Type: text/plain\r\n\r\n"
        for _ in range(MAX_UPLOAD // 65536 + 2):
            yield b"a" * 65536

    streamed = httpx.post(
        f"{site.base}/api/documents",
        headers={**bearer(token), "Content-Type": "multipart/form-data; boundary=x"},
        content=chunks(),
        timeout=60,
    )
    assert streamed.status_code == 413


def test_wrong_content_types_get_415(site: Site) -> None:
    token = site.ingest_token("types")
    zipped = b"PK\x03\x04" + b"\x00" * 200
    assert upload(site.base, token, zipped, "r.zip", "application/zip").status_code == 415
    assert upload(site.base, token, zipped, "r.txt", "application/octet-stream").status_code == 415
    assert upload(site.base, token, b"\x1f\x8b\x08" + b"\x00" * 50, "r.txt", "text/plain").status_code == 415
    assert upload(site.base, token, REPORT.encode(), "r.pdf", "application/pdf").status_code == 415  # not a PDF
    assert upload(site.base, token, REPORT.encode(), "r.exe", "application/octet-stream").status_code == 415
    as_json = httpx.post(f"{site.base}/api/documents", headers=bearer(token), json={"file": REPORT}, timeout=30)
    assert as_json.status_code == 415
    gzipped = httpx.post(
        f"{site.base}/api/documents",
        headers={**bearer(token), "Content-Encoding": "gzip"},
        files={"file": ("r.txt", REPORT.encode(), "text/plain")},
        timeout=30,
    )
    assert gzipped.status_code == 415


def test_bombs_fail_their_job_with_the_pipeline_guard_and_store_nothing(site: Site) -> None:
    token = site.ingest_token("bombs")
    before = sparql_graphs(site.base, site.reader)
    nested = b"<html><body>" + b"<div>" * 100_000 + REPORT.encode() + b"</body></html>"
    wide = b"<html><body>" + b"<b>x</b>" * 400_000 + b"</body></html>"
    jobs = {
        "HTML nesting": upload(site.base, token, nested, "n.html", "text/html"),
        "tags; the limit": upload(site.base, token, wide, "w.html", "text/html"),
        "Limit reached while decompressing": upload(site.base, token, pdf_bomb(), "b.pdf", "application/pdf"),
    }
    for phrase, answer in jobs.items():
        assert answer.status_code == 202, answer.text
        job = wait_job(site.base, token, answer.json()["job"])
        assert job["status"] == "failed", job
        failed = [line for line in job["lines"] if line.startswith("FAILED ")]
        assert len(failed) == 1 and phrase in failed[0], job
        assert str(site.root) not in failed[0]  # the server's paths are not shown
    after = sparql_graphs(site.base, site.reader)
    assert set(after) - set(before) <= {g for g in after if g.endswith("/_fused")}


@pytest.mark.parametrize("name", ["../../../../tmp/evil.txt", "/etc/cron.d/evil.txt", "a\x00b.txt", "..\\..\\x.txt"])
def test_path_tricks_in_file_names_land_in_the_inbox_under_the_content_hash(site: Site, name: str) -> None:
    token = site.ingest_token("paths-" + str(abs(hash(name)) % 10_000))
    data = (REPORT + f"\nFiled as {abs(hash(name))}.\n").encode()
    answer = upload(site.base, token, data, name)
    assert answer.status_code == 202, answer.text
    job = wait_job(site.base, token, answer.json()["job"])
    assert job["status"] == "done", job
    digest = answer.json()["content_hash"].split(":")[1]
    assert (site.root / "store.inbox" / f"upload-{digest[:24]}.txt").is_file()
    assert not Path("/tmp/evil.txt").exists() and not Path("/etc/cron.d/evil.txt").exists()
    assert str(job["document"]).endswith(f"/document/upload-{digest[:24]}")


@pytest.mark.parametrize("doc", ["..%2F..%2Fetc", "%00", "x%2Fy", ".hidden", "a" * 200])
def test_path_tricks_in_document_ids_are_unknown_documents(site: Site, doc: str) -> None:
    answer = httpx.put(
        f"{site.base}/api/documents/{doc}/facts",
        headers={**bearer(site.curator), "Content-Type": "application/yaml"},
        content=b"document: {file: x.txt}\n",
        timeout=30,
    )
    assert answer.status_code == 404


def test_bad_metadata_is_refused_before_anything_is_queued(site: Site) -> None:
    token = site.ingest_token("meta")
    bad_date = upload(site.base, token, REPORT.encode(), "m.txt", published="last spring")
    assert bad_date.status_code == 422 and "published" in bad_date.json()["detail"]
    unknown = upload(site.base, token, REPORT.encode(), "m.txt", colour="red")
    assert unknown.status_code == 422 and "colour" in unknown.json()["detail"]


def test_uploads_per_token_are_rate_limited(site: Site) -> None:
    token = site.ingest_token("flood")
    statuses = [upload(site.base, token, b"tiny", "t.txt").status_code for _ in range(8)]
    assert statuses[:6] == [202] * 6 and statuses[6:] == [429, 429]
    limited = upload(site.base, token, b"tiny", "t.txt")
    assert int(limited.headers["retry-after"]) >= 1
    # Another token is not held back by this one.
    assert upload(site.base, site.ingest_token("calm"), b"tiny too", "t.txt").status_code == 202


GOOD_FACTS = """\
document:
  file: {file}
  publishers: [Example Watch]
  published: 2019-06-05
  language: en
people:
  - name: {canary}
    kind: defender
    roles: [lawyer]
organisations:
  - name: Valdora City Court
    kind: court
    place: Valdora City
events:
  - type: pretrial-detention
    people: [{canary}]
    date: 2019-06-07
    status: occurred
    authority: Valdora City Court
"""


def test_curated_facts_replace_extraction_and_bad_ones_change_nothing(site: Site) -> None:
    token = site.ingest_token("for-curation")
    data = REPORT.replace("police", "the police").encode()
    job = wait_job(site.base, token, upload(site.base, token, data, "c.txt").json()["job"])
    doc_id = str(job["document"]).rsplit("/", 1)[1]
    graph = _graph_of(job)
    before = sparql_graphs(site.base, site.reader)[graph]
    url = f"{site.base}/api/documents/{doc_id}/facts"
    yaml_type = {"Content-Type": "application/yaml"}
    good = GOOD_FACTS.format(file=f"{doc_id}.txt", canary=CANARY)
    for bad, phrase in [
        (good.replace("pretrial-detention", "kidnap"), "events[0].type"),
        (good.replace("file: ", "filed: "), "document.file"),
        (good.replace(f"{doc_id}.txt", "someone-else.txt"), "not " + repr(doc_id)),
        ("people: [unclosed\n", "line"),
        (good.replace("date: 2019-06-07", "date: 2019-02-30"), "date"),
    ]:
        answer = httpx.put(url, headers={**bearer(site.curator), **yaml_type}, content=bad.encode(), timeout=60)
        assert answer.status_code == 422, (phrase, answer.text)
        problems = answer.json()["problems"]
        assert any(phrase in p for p in problems), (phrase, problems)
        assert str(site.root) not in json.dumps(problems)
    assert sparql_graphs(site.base, site.reader)[graph] == before  # nothing changed
    assert not [x for x in site.audit() if x["what"] == "curate"]
    ingest_only = httpx.put(url, headers={**bearer(token), **yaml_type}, content=good.encode(), timeout=60)
    assert ingest_only.status_code == 403
    wrong_type = httpx.put(url, headers={**bearer(site.curator), "Content-Type": "application/zip"}, content=b"PK")
    assert wrong_type.status_code == 415
    answer = httpx.put(url, headers={**bearer(site.curator), **yaml_type}, content=good.encode(), timeout=60)
    assert answer.status_code == 200, answer.text
    assert answer.json()["lines"][-1].startswith("1 documents stored")
    query = f"ASK {{ GRAPH <{graph}> {{ ?d <https://w3id.org/casegraph/ontology#extraction> ?how }} }}"
    curated = query.replace("?how", "<https://w3id.org/casegraph/ontology#Curated>")
    asked = httpx.get(f"{site.base}/sparql", params={"query": curated}, headers=bearer(site.reader), timeout=30)
    assert asked.json()["boolean"] is True
    lines = [x for x in site.audit() if x["what"] == "curate"]
    assert len(lines) == 1 and lines[0]["who"] == "token:curator" and lines[0]["document"] == job["document"]
