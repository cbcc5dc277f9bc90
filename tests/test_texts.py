"""Source texts in graphs of their own (issue 13 item 7, ingest.texts): each document's full
text is stored beside its graph, with it; the public sees it only while the document is public
and its metadata says `text: public`; publishing, withholding, a licence changed on a rebuild
and a text dropped follow through the public view, the public union and the changes log; a
store of the older layout is moved by a build or a load and refused by the public view.
Real stores (embedded; the leak suite runs the served paths on Oxigraph too)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.settings import Settings
from ingest import changes, publication, texts
from ingest.pipeline import build, checked_graph
from ingest.store import StoreError
from ingest.store.base import PUBLIC_UNION_GRAPH
from ingest.store.embedded import EmbeddedStore
from ingest.store.rdf import Format
from ingest.store.view import StoreView
from tests.serving import ROOT

SAMPLE = sorted((ROOT / "data" / "documents").glob("*.txt"))[:2]
ID = "https://w3id.org/casegraph/id/"
SCHEMA_TEXT = "https://schema.org/text"
TEXTS = f"SELECT ?d WHERE {{ ?d <{SCHEMA_TEXT}> ?t }} ORDER BY ?d"
OPEN_SIDECAR = "licence: https://creativecommons.org/licenses/by/4.0/\ntext: public\n"


@pytest.fixture(autouse=True)
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CASEGRAPH_NLP_MODEL", "none")


def ident(path: Path) -> str:
    return path.stem.replace("_", "-")


def documents(folder: Path) -> tuple[Path, Path]:
    """Two reports: the first's licence allows its text (`text: public`), the second states none."""
    folder.mkdir()
    first, second = (Path(shutil.copy(p, folder)) for p in SAMPLE)
    first.with_name(first.stem + ".meta.yaml").write_text(OPEN_SIDECAR, encoding="utf-8")
    return first, second


def graph_of(path: Path) -> str:
    return f"{ID}graph/{ident(path)}"


def texts_seen(store: EmbeddedStore, *, full: bool = False) -> list[str]:
    return [r["d"] or "" for r in StoreView(store, full=full).select(TEXTS)]


def feed(store: EmbeddedStore, graph: str) -> list[str]:
    """What the public feed says of `graph`, in order."""
    return [c.kind for c in changes.entries(store, public_only=True) if c.graph == graph]


def test_each_text_is_stored_in_its_own_graph_and_public_only_where_allowed(tmp_path: Path) -> None:
    first, second = documents(tmp_path / "docs")
    store = EmbeddedStore(tmp_path / "store")
    assert not build([tmp_path / "docs"], store, workers=0).failures
    one, two = graph_of(first), graph_of(second)
    assert {texts.text_graph_iri(one), texts.text_graph_iri(two)} <= set(store.named_graphs())
    # the document graphs hold no text; each text graph holds its document's text alone
    in_documents = f"SELECT ?g WHERE {{ GRAPH ?g {{ ?d <{SCHEMA_TEXT}> ?t }} }} ORDER BY ?g"
    assert [r["g"] for r in store.select(in_documents, union=False) if not publication.is_internal(r["g"] or "")] == [
        texts.text_graph_iri(one),
        texts.text_graph_iri(two),
    ]
    assert len(list(store.quads(texts.text_graph_iri(two)))) == 1
    # the public sees the text its licence allows, a token both; the public union follows
    assert publication.hidden_graphs(store) == {texts.text_graph_iri(two)}
    assert texts_seen(store) == [f"{ID}document/{ident(first)}"]
    assert texts_seen(store, full=True) == [f"{ID}document/{ident(first)}", f"{ID}document/{ident(second)}"]
    # a token's default graph reads the closed texts as their one copy, never a graph per text
    full = StoreView(store, full=True)
    assert publication.CLOSED_TEXTS in full.visible().default
    assert not [g for g in full.visible().default if texts.is_text_graph(g)]
    assert texts.text_graph_iri(two) in full.named_graphs()
    union = f"SELECT ?d WHERE {{ GRAPH <{PUBLIC_UNION_GRAPH}> {{ ?d <{SCHEMA_TEXT}> ?t }} }}"
    assert [r["d"] for r in store.select(union, union=False)] == [f"{ID}document/{ident(first)}"]
    # the feed lists the open text with its document, never the closed one
    assert feed(store, texts.text_graph_iri(one)) == ["added"]
    assert feed(store, texts.text_graph_iri(two)) == []
    assert feed(store, two) == ["added"]
    store.close()


def test_withholding_hides_the_text_and_publishing_shows_it_where_allowed(tmp_path: Path) -> None:
    first, second = documents(tmp_path / "docs")
    store = EmbeddedStore(tmp_path / "store")
    assert not build([tmp_path / "docs"], store, workers=0).failures
    one, two = graph_of(first), graph_of(second)
    assert publication.set_state(store, one, publication.WITHHELD)
    assert publication.hidden_graphs(store) == {one, texts.text_graph_iri(one), texts.text_graph_iri(two)}
    assert texts_seen(store) == []
    assert feed(store, texts.text_graph_iri(one)) == ["added", "withdrawn"]
    assert publication.set_state(store, one, publication.PUBLIC)
    assert texts_seen(store) == [f"{ID}document/{ident(first)}"]
    assert feed(store, texts.text_graph_iri(one)) == ["added", "withdrawn", "added"]
    # a published document's text stays closed when its licence does not allow it
    assert publication.set_state(store, two, publication.WITHHELD)
    assert publication.set_state(store, two, publication.PUBLIC)
    assert texts_seen(store) == [f"{ID}document/{ident(first)}"]
    assert feed(store, texts.text_graph_iri(two)) == []
    store.close()


def test_a_licence_changed_on_a_rebuild_withdraws_or_adds_the_text(tmp_path: Path) -> None:
    first, _ = documents(tmp_path / "docs")
    store = EmbeddedStore(tmp_path / "store")
    assert not build([tmp_path / "docs"], store, workers=0).failures
    text = texts.text_graph_iri(graph_of(first))
    sidecar = first.with_name(first.stem + ".meta.yaml")
    sidecar.write_text("licence: https://example.org/terms\n", encoding="utf-8")
    union = f"SELECT ?d WHERE {{ GRAPH <{PUBLIC_UNION_GRAPH}> {{ ?d <{SCHEMA_TEXT}> ?t }} }}"
    in_union: list[list[str | None]] = []  # what the public default graph holds once it is stored
    stored = lambda outcome: in_union.append([r["d"] for r in store.select(union, union=False)])  # noqa: E731
    assert not build([tmp_path / "docs"], store, workers=0, on_stored=stored).failures
    assert in_union == [[]]  # closed at once, not at the end of the build
    assert text in publication.hidden_graphs(store) and texts_seen(store) == []
    assert feed(store, text) == ["added", "withdrawn"]  # mirrors drop it
    sidecar.write_text(OPEN_SIDECAR, encoding="utf-8")
    assert not build([tmp_path / "docs"], store, workers=0).failures
    assert texts_seen(store) == [f"{ID}document/{ident(first)}"]
    assert feed(store, text) == ["added", "withdrawn", "added"]
    store.close()


def test_a_document_stored_without_a_text_drops_its_text_graph(tmp_path: Path) -> None:
    """Curated facts for a document (they carry no text) replace its graph and drop its text."""
    first, _ = documents(tmp_path / "docs")
    store = EmbeddedStore(tmp_path / "store")
    assert not build([tmp_path / "docs"], store, workers=0).failures
    text = texts.text_graph_iri(graph_of(first))
    facts = tmp_path / "curated" / f"{first.stem}.yaml"
    facts.parent.mkdir()
    facts.write_text(
        f"document:\n  file: {first.name}\n  publishers: [Example Watch]\npeople: []\norganisations: []\nevents: []\n",
        encoding="utf-8",
    )
    assert not build([facts.parent], store, workers=0).failures
    assert text not in store.named_graphs()
    assert [c.kind for c in changes.entries(store) if c.graph == text][-1] == "removed"
    store.close()


def _old_layout(tmp_path: Path) -> EmbeddedStore:
    """A store as the builds before text graphs left it: each text inside its document graph."""
    first, second = documents(tmp_path / "docs")
    store = EmbeddedStore(tmp_path / "old")
    for path in (first, second):
        store.replace_graph(checked_graph(path)[0])
    publication.refresh_union(store)
    return store


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casegraph", *args], cwd=ROOT, capture_output=True, text=True, timeout=600
    )


OLD_LAYOUT = "keeps the documents' full texts inside their document graphs"


def test_an_old_store_is_refused_publicly_and_moved_by_a_build(tmp_path: Path) -> None:
    store = _old_layout(tmp_path)
    with pytest.raises(StoreError, match=OLD_LAYOUT):
        StoreView(store).select(TEXTS)
    assert len(texts_seen(store, full=True)) == 2  # the owner still reads everything
    store.close()
    # served as it is, every public path answers 503 saying what to run; `export --public` fails
    with TestClient(create_app(Settings(store=tmp_path / "old"))) as client:
        for path in ("/api/documents", "/sparql?query=ASK%7B%7D", "/dumps/casegraph.nq", "/id/graph/x", "/health"):
            r = client.get(path)
            assert r.status_code == 503 and "casegraph build --store" in r.text, path
            assert "Orsk" not in r.text and SAMPLE[0].read_text(encoding="utf-8")[200:260] not in r.text
    refused = _cli("export", "--store", str(tmp_path / "old"), "--format", "nquads", "--public", "--out", "-")
    assert refused.returncode == 2 and OLD_LAYOUT in refused.stderr and refused.stdout == ""
    store = EmbeddedStore(tmp_path / "old")
    summary = build([], store, workers=0)
    assert any("moved the documents' texts" in note for note in summary.notes)
    assert not texts.has_texts_in_document_graphs(store)
    assert len(texts_seen(store)) == 1 and len(texts_seen(store, full=True)) == 2
    assert not texts.migrate(store)  # nothing left to move
    store.close()


def test_a_loaded_dump_of_an_old_store_is_moved(tmp_path: Path) -> None:
    old = _old_layout(tmp_path)
    dump = tmp_path / "old.nq"
    dump.write_bytes(b"".join(old.export(Format.NQUADS)))
    old.close()
    target = tmp_path / "new"
    done = _cli("load", "--store", str(target), str(dump))
    assert done.returncode == 0, done.stderr
    store = EmbeddedStore(target, read_only=True)
    assert not texts.has_texts_in_document_graphs(store)
    assert len(texts_seen(store)) == 1 and len(texts_seen(store, full=True)) == 2
    store.close()


def test_publish_refuses_a_text_graph(tmp_path: Path) -> None:
    first, _ = documents(tmp_path / "docs")
    store = EmbeddedStore(tmp_path / "store")
    assert not build([tmp_path / "docs"], store, workers=0).failures
    store.close()
    text = texts.text_graph_iri(graph_of(first))
    done = _cli("withhold", "--store", str(tmp_path / "store"), text)
    assert done.returncode == 2
    assert "a document's text, not a document" in done.stderr


def test_text_graph_names() -> None:
    assert texts.is_text_graph(f"{ID}graph/report/text")
    assert texts.document_graph(f"{ID}graph/report/text") == f"{ID}graph/report"
    assert not texts.is_text_graph(f"{ID}graph/text")  # the graph of a file text.txt
    assert not texts.is_text_graph(f"{ID}graph/a/b/text")
    assert not texts.is_text_graph("urn:x-casegraph:store:public-union/text")
