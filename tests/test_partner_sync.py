"""What a partner's mirror relies on (issue 13 item 6): conditional and gzip answers for dumps,
per-graph dumps and linked data, the changes feed, and a mirror kept by the feed and per-graph
dumps alone, against a real server."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from ingest import changes
from ingest.pipeline import build
from ingest.store.embedded import EmbeddedStore
from tests.serving import ROOT, running_server

GOLD = sorted((ROOT / "tests" / "fixtures" / "gold").glob("*.yaml"))
ID = "https://w3id.org/casegraph/id/"


def build_into(store_path: Path, folder: Path) -> None:
    store = EmbeddedStore(store_path)
    try:
        summary = build([folder], store, workers=0)
        assert not summary.failures, summary.failures
    finally:
        store.close()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("sync")
    folder = root / "documents"
    folder.mkdir()
    for path in GOLD[:3]:
        shutil.copy(path, folder)
    build_into(root / "store", folder)
    return root / "store"


@pytest.fixture(scope="module")
def client(built: Path) -> Iterator[TestClient]:
    with TestClient(create_app(Settings(store=built))) as c:
        yield c


def graph_id(path: Path) -> str:
    return path.stem.replace("_", "-")


# --- conditional and compressed answers ---------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/dumps/casegraph.nq", "/dumps/casegraph.trig", f"/dumps/graph/{GOLD[0].stem.replace('_', '-')}.nq"]
)
def test_dumps_answer_304_to_the_version_the_client_holds(client: TestClient, url: str) -> None:
    first = client.get(url)
    assert first.status_code == 200 and first.content
    tag, modified = first.headers["etag"], first.headers["last-modified"]
    assert "Accept-Encoding" in first.headers["vary"]
    again = client.get(url, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == tag
    assert client.get(url, headers={"If-Modified-Since": modified}).status_code == 304
    # an older copy, or another version's tag, gets the body
    assert client.get(url, headers={"If-Modified-Since": "Sat, 01 Jan 2000 00:00:00 GMT"}).status_code == 200
    assert client.get(url, headers={"If-None-Match": 'W/"something-else"'}).status_code == 200
    # If-None-Match decides when both are sent (RFC 9110 13.2.2)
    both = {"If-None-Match": 'W/"something-else"', "If-Modified-Since": modified}
    assert client.get(url, headers=both).status_code == 200


def test_a_graph_tag_changes_with_its_graph_only(client: TestClient) -> None:
    one, other = (client.get(f"/dumps/graph/{graph_id(p)}.nq").headers["etag"] for p in GOLD[:2])
    assert one != other
    assert client.get(f"/dumps/graph/{graph_id(GOLD[0])}.trig").headers["etag"] != one  # another format


def test_gzip_when_asked_and_the_same_quads(client: TestClient) -> None:
    plain = client.get("/dumps/casegraph.nq", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    packed = client.get("/dumps/casegraph.nq", headers={"Accept-Encoding": "gzip, deflate"})
    assert packed.headers["content-encoding"] == "gzip"
    assert packed.content == plain.content  # the client decodes it
    assert packed.headers["etag"] != plain.headers["etag"]  # each encoding its own tag
    refused = client.get("/dumps/casegraph.nq", headers={"Accept-Encoding": "gzip;q=0, br"})
    assert "content-encoding" not in refused.headers
    file = client.get("/dumps/casegraph.nq.gz", headers={"Accept-Encoding": "identity"})
    assert file.headers["content-type"] == "application/gzip"
    assert gzip.decompress(file.content) == plain.content


def test_per_graph_dump_holds_exactly_its_graph(client: TestClient) -> None:
    gid = graph_id(GOLD[1])
    r = client.get(f"/dumps/graph/{gid}.nq")
    assert r.status_code == 200 and r.headers["content-type"].startswith("application/n-quads")
    lines = [line for line in r.text.splitlines() if line]
    assert lines and all(line.endswith(f"<{ID}graph/{gid}> .") for line in lines)
    whole = {line for line in client.get("/dumps/casegraph.nq").text.splitlines() if f"<{ID}graph/{gid}> ." in line}
    assert set(lines) == whole
    assert client.get("/dumps/graph/_fused.nq").status_code == 200


@pytest.mark.parametrize(
    "name",
    [
        "no-such-document.nq",
        "..%2F..%2Fetc%2Fpasswd.nq",
        "%2e%2e.nq",
        ".nq",
        "x.y.nq",
        "x.ttl",
        "x",
        "urn:x-casegraph:store:changes.nq",
        "a" * 300 + ".nq",
        # a text graph's dump is ID/text.nq (ingest.texts); no other slash is a graph's id
        "x/text/text.nq",
        "x/y.nq",
        "../x/text.nq",
        "x/text.nq",
    ],
)
def test_unknown_graphs_and_path_tricks_are_404(client: TestClient, name: str) -> None:
    r = client.get(f"/dumps/graph/{name}")
    assert r.status_code == 404
    assert "root:" not in r.text


def test_own_graphs_are_in_no_dump(client: TestClient) -> None:
    text = client.get("/dumps/casegraph.nq").text
    assert "urn:x-casegraph:store:" not in text
    assert client.get("/health").json()["graphs"] == 4  # three documents and the fused view


def test_linked_data_and_graph_pages_are_conditional(client: TestClient) -> None:
    gid = graph_id(GOLD[0])
    for url, accept in [
        (f"/id/graph/{gid}", "text/turtle"),
        (f"/id/graph/{gid}", "application/json"),
        (f"/id/graph/{gid}", "text/html"),
        (f"/id/document/{gid}", "text/turtle"),
        (f"/id/document/{gid}", "text/html"),
    ]:
        first = client.get(url, headers={"Accept": accept})
        assert first.status_code == 200, (url, accept)
        assert first.headers["last-modified"]
        tag = first.headers["etag"]
        again = client.get(url, headers={"Accept": accept, "If-None-Match": tag})
        assert again.status_code == 304, (url, accept)
        assert again.content == b""
        other = "application/n-triples" if accept != "application/n-triples" else "text/turtle"
        assert client.get(url, headers={"Accept": other, "If-None-Match": tag}).status_code == 200


# --- the feed --------------------------------------------------------------------------------------


def test_feed_lists_every_graph_added_in_order(client: TestClient) -> None:
    data = client.get("/api/changes").json()
    items = data["changes"]
    assert [c["graph"] for c in items] == [f"{ID}graph/{graph_id(p)}" for p in GOLD[:3]] + [f"{ID}graph/_fused"]
    assert {c["kind"] for c in items} == {"added"}
    assert [c["time"] for c in items] == sorted(c["time"] for c in items)
    assert all(c["hash"].startswith("sha256:") for c in items)
    assert items[0]["document"] == f"{ID}document/{graph_id(GOLD[0])}"
    assert items[0]["dump"].endswith(f"/dumps/graph/{graph_id(GOLD[0])}.nq")
    assert data["more"] is False
    # nothing after the last page's cursor
    assert client.get("/api/changes", params={"since": data["next"]}).json()["changes"] == []


def test_feed_pages_by_cursor_and_by_time(client: TestClient) -> None:
    everything = client.get("/api/changes").json()["changes"]
    seen, since = [], None
    while True:
        page = client.get("/api/changes", params={"limit": 3, **({"since": since} if since else {})}).json()
        seen += page["changes"]
        since = page["next"]
        if not page["more"]:
            break
    assert seen == everything
    third = everything[2]["time"]
    from_time = client.get("/api/changes", params={"since": third}).json()["changes"]
    assert from_time == everything[2:]
    assert client.get("/api/changes", params={"since": "2000-01-01T00:00:00Z"}).json()["changes"] == everything


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"since": "yesterday"}, "since"),
        ({"since": "2020-13-45T00:00:00Z"}, "since"),
        ({"since": "bm90IGEgY3Vyc29y"}, "since"),
        ({"limit": "0"}, "limit"),
        ({"limit": "5000"}, "limit"),
        ({"limit": "ten"}, "limit"),
    ],
)
def test_feed_refuses_bad_parameters_naming_them(client: TestClient, params: dict[str, str], name: str) -> None:
    r = client.get("/api/changes", params=params)
    assert r.status_code == 400
    assert r.json()["parameter"] == name
    assert r.json()["error"].startswith(f"{name}:")


def test_feed_as_csv(client: TestClient) -> None:
    r = client.get("/api/changes", params={"format": "csv", "limit": 2})
    assert r.headers["content-type"].startswith("text/csv")
    rows = r.text.splitlines()
    assert rows[0] == "time,kind,graph,document,hash,dump,cursor"
    assert len(rows) == 3
    assert r.headers["x-next-cursor"]
    assert 'rel="next"' in r.headers["link"]


# --- a mirror from the feed alone, against a real server ---------------------------------------------


class Mirror:
    """What a partner keeps: per graph, its N-Quads lines, and where it stopped."""

    def __init__(self) -> None:
        self.graphs: dict[str, set[str]] = {}
        self.since: str | None = None
        self.applied: list[tuple[str, str]] = []

    def pull(self, base: str) -> None:
        while True:
            params = {"limit": "2", **({"since": self.since} if self.since else {})}
            page = httpx.get(f"{base}/api/changes", params=params).json()
            for change in page["changes"]:
                self.applied.append((change["kind"], change["graph"]))
                if change["kind"] in ("added", "replaced"):
                    r = httpx.get(change["dump"], headers={"Accept-Encoding": "gzip"})
                    if r.status_code == 404:  # gone since: a later entry says so
                        continue
                    assert r.headers["content-encoding"] == "gzip"
                    self.graphs[change["graph"]] = {line for line in r.text.splitlines() if line}
                else:
                    self.graphs.pop(change["graph"], None)
            self.since = page["next"]
            if not page["more"]:
                return

    def quads(self) -> set[str]:
        return set().union(*self.graphs.values()) if self.graphs else set()


def full_dump(base: str) -> set[str]:
    return {line for line in httpx.get(f"{base}/dumps/casegraph.nq").text.splitlines() if line}


def test_a_mirror_kept_by_the_feed_alone_holds_the_public_dump(tmp_path: Path) -> None:
    folder = tmp_path / "documents"
    folder.mkdir()
    store = tmp_path / "store"
    for path in GOLD[:2]:
        shutil.copy(path, folder)
    build_into(store, folder)
    mirror = Mirror()
    with running_server(store) as base:
        mirror.pull(base)
        assert mirror.quads() == full_dump(base)
        assert len(mirror.graphs) == 3
        dump_tag = httpx.get(f"{base}/dumps/casegraph.nq").headers["etag"]
    # more documents, one of them changed, one unchanged: only those two (and the fused view) move
    shutil.copy(GOLD[2], folder)
    changed = folder / GOLD[0].name
    changed.write_text(
        changed.read_text(encoding="utf-8").replace("reference:", 'reference: "CHANGED 1"\n#', 1), encoding="utf-8"
    )
    build_into(store, folder)
    mirror.applied.clear()
    with running_server(store) as base:
        assert httpx.get(f"{base}/dumps/casegraph.nq", headers={"If-None-Match": dump_tag}).status_code == 200
        mirror.pull(base)
        assert mirror.quads() == full_dump(base)
        assert sorted(mirror.applied) == sorted(
            [
                ("added", f"{ID}graph/{graph_id(GOLD[2])}"),
                ("replaced", f"{ID}graph/{graph_id(GOLD[0])}"),
                ("replaced", f"{ID}graph/_fused"),
            ]
        )
        mirror.applied.clear()
        mirror.pull(base)  # nothing new: nothing to apply
        assert mirror.applied == []


def test_rebuilding_unchanged_documents_records_nothing(built: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(built, copy)
    folder = tmp_path / "documents"
    folder.mkdir()
    for path in GOLD[:3]:
        shutil.copy(path, folder)
    store = EmbeddedStore(copy)
    try:
        before = changes.entries(store)
        assert not build([folder], store, workers=0, force=True).failures
        assert changes.entries(store) == before
    finally:
        store.close()


def test_state_changes_reach_the_feed_without_what_is_withheld() -> None:
    from ingest.store import memory_store

    store = memory_store()
    state = {"g-public": "public", "g-secret": "withheld"}
    log = changes.log_for(store, lambda s, g: state.get(g.rsplit("/", 1)[-1], "public") == "public")
    for name in ("g-public", "g-secret"):
        store.replace_graph_ntriples(f"{ID}graph/{name}", f'<{ID}x/{name}> <{ID}p> "{name}" .')
        log.stored(f"{ID}graph/{name}")
    public = [(c.kind, c.graph) for c in changes.entries(store, public_only=True)]
    assert public == [("added", f"{ID}graph/g-public")]  # never public: never in the feed
    # public -> withheld: withdrawn, without content; withheld -> public: added with it
    state["g-public"] = "withheld"
    gone = changes.state_changed(store, f"{ID}graph/g-public", "public", "withheld")
    assert gone is not None and gone.kind == "withdrawn" and gone.public
    assert changes.state_changed(store, f"{ID}graph/g-secret", None, "withheld") is None
    state["g-secret"] = "public"
    shown = changes.state_changed(store, f"{ID}graph/g-secret", "withheld", "public")
    assert shown is not None and shown.kind == "added" and shown.hash
    kinds = [(c.kind, c.graph.rsplit("/", 1)[-1]) for c in changes.entries(store, public_only=True)]
    assert kinds == [("added", "g-public"), ("withdrawn", "g-public"), ("added", "g-secret")]
