"""The writing server's public query workers read snapshots (api.writes): after a write they
answer from a snapshot taken after it, and a write that hides something holds new public
queries until then (real store, real worker processes, the app in-process)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from api.writes import HeldQueries
from tests.serving import PROTOCOL_DATA, load_store

GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def _graphs(client: TestClient) -> set[str]:
    answer = client.get("/sparql", params={"query": GRAPHS}, headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200, answer.text
    return {row["g"]["value"] for row in answer.json()["results"]["bindings"]}


def test_a_hiding_write_is_never_answered_from_an_older_snapshot(tmp_path: Path) -> None:
    store = load_store(tmp_path / "store", PROTOCOL_DATA)
    settings = Settings(store=store, writable=True, workers=1, query_timeout=20)
    with TestClient(create_app(settings)) as client:
        writer = client.app.state.writer  # type: ignore[attr-defined]
        before = _graphs(client)
        hidden = sorted(before)[0]
        # The snapshot the workers read was taken at start: the live store and it agree.
        assert hidden in before
        seen_during: list[set[str]] = []
        started = threading.Event()

        def write() -> None:
            started.set()
            writer.store.drop_graph(hidden)
            time.sleep(0.5)  # queries sent now must wait, not read the old snapshot

        def query_while_writing() -> None:
            started.wait(10)
            assert isinstance(client.app.state.query_pool, HeldQueries)  # type: ignore[attr-defined]
            seen_during.append(_graphs(client))

        asker = threading.Thread(target=query_while_writing)
        asker.start()
        writer.hiding(write)
        asker.join(60)
        assert seen_during and hidden not in seen_during[0]
        assert hidden not in _graphs(client)
        assert not isinstance(client.app.state.query_pool, HeldQueries)  # type: ignore[attr-defined]
        # The snapshots directory keeps the current one (the one before it is retired later).
        assert (tmp_path / "store.snapshots").is_dir()
