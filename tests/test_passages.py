"""Passage search: the SQLite FTS5 index (ingest.passages), kept in step by `casegraph build`
with every document graph, rebuildable from the store, and searched through a real server
(/api/passages and the /search page). The texts are short invented reports."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from ingest.passages import (
    MAX_PASSAGE,
    PassageIndex,
    QueryError,
    StoredText,
    fts_query,
    in_step,
    index_path_for,
    rebuild_from,
    split_passages,
    stored_texts,
)
from ingest.pipeline import build
from ingest.store.embedded import EmbeddedStore
from tests.api_support import TEXT_A, fill
from tests.serving import running_server

REPORT_ONE = (
    "Marenta Watch, 4 May 2022\n\n"
    "Police in Castelmar detained the journalist Ilse Varga on 2 May 2022 at her home. "
    "Officers searched the flat and took two laptops.\n\n"
    "On 3 May 2022 the Castelmar District Court ordered her pre-trial detention for two months. "
    "Her lawyer said the charge of \u201cspreading false information\u201d was brought to silence her reporting "
    "on the port contracts.\n"
)
REPORT_TWO = (
    "Marenta Watch, 9 June 2022\n\n"
    "The journalist Ilse Varga was released under house arrest on 8 June 2022. "
    "She remains charged and must not leave Castelmar.\n"
)


# --- the index on its own -------------------------------------------------------------------


def test_passages_are_exact_slices_of_whole_sentences() -> None:
    text = REPORT_ONE + ("A very long sentence without any full stop " * 20) + "\nEnd."
    spans = split_passages(text)
    assert spans, "a text gives passages"
    for start, end in spans:
        passage = text[start:end]
        assert 0 < len(passage) <= MAX_PASSAGE
        assert "\n" not in passage, "a passage never crosses a line break"
        assert passage == passage.strip()
    covered = "".join(text[s:e] for s, e in spans)
    assert "Castelmar District Court ordered" in covered and "End." in covered
    # "Mr." and "No. 2" do not end a sentence
    spans = split_passages("Police held Mr. Varga in cell No. 2 overnight. She was freed.", limit=46)
    assert ["Police held Mr. Varga in cell No. 2 overnight. She was freed."[s:e] for s, e in spans[:1]] == [
        ("Police held Mr. Varga in cell No. 2 overnight.")
    ]


@pytest.mark.parametrize(
    ("query", "expression"),
    [
        ("house arrest", '"house" "arrest"'),
        ('"house arrest"', '"house arrest"'),
        ("detain*", '"detain"*'),
        ("pre-trial", '"pre trial"'),
        ("laptops OR phones", '"laptops" OR "phones"'),
        # FTS5 syntax typed by a user is only words: no operator, column filter or bracket survives
        ('NEAR(a b) "unclosed', '"NEAR a" "b" "unclosed"'),
        ("a:b^c -d", '"a b c" "d"'),
    ],
)
def test_a_query_becomes_a_safe_fts5_expression(query: str, expression: str) -> None:
    assert fts_query(query) == expression


@pytest.mark.parametrize("query", ["", "   ", "***", '""', "- : ^"])
def test_a_query_with_nothing_to_search_for_is_refused(query: str) -> None:
    with pytest.raises(QueryError):
        fts_query(query)


def test_replace_remove_and_rebuild(tmp_path: Path) -> None:
    index = PassageIndex(tmp_path / "p.sqlite")
    doc = StoredText("urn:doc:1", "urn:graph:1", REPORT_ONE, "sha256:1")
    assert index.replace(doc) >= 2
    total, hits = index.search('"pre-trial detention"')
    assert total == 1 and hits[0].document == "urn:doc:1"
    assert REPORT_ONE[hits[0].start : hits[0].end] == hits[0].quote
    assert [hits[0].quote[s:e].lower() for s, e in hits[0].highlights] == ["pre", "trial", "detention"]
    # a new version of the document replaces its passages
    index.replace(StoredText("urn:doc:1", "urn:graph:1", REPORT_TWO, "sha256:2"))
    assert index.search('"pre-trial detention"')[0] == 0
    assert index.search("house arrest")[0] == 1
    assert index.documents() == {"urn:doc:1": "sha256:2"}
    index.remove_graph("urn:graph:1")
    assert index.search("house arrest")[0] == 0 and index.counts() == (0, 0)
    index.rebuild([doc, StoredText("urn:doc:2", "urn:graph:2", REPORT_TWO, "sha256:2")])
    assert index.counts()[0] == 2
    assert {h.document for h in index.search("Varga")[1]} == {"urn:doc:1", "urn:doc:2"}
    # the FTS table stays in step with the passages table (external content, triggers)
    db = sqlite3.connect(tmp_path / "p.sqlite")
    assert db.execute("INSERT INTO passage_fts(passage_fts) VALUES ('integrity-check')").fetchall() == []
    index.close()


def test_ranking_pagination_and_prefix(tmp_path: Path) -> None:
    index = PassageIndex(None)
    index.rebuild(
        [StoredText(f"urn:doc:{i}", f"urn:graph:{i}", f"Report {i}. " + "detained " * (i + 1), None) for i in range(7)]
    )
    total, first = index.search("detain*", limit=3)
    _, second = index.search("detain*", limit=3, offset=3)
    assert total == 7 and len(first) == 3 and len(second) == 3
    assert not {h.document for h in first} & {h.document for h in second}
    assert [h.score for h in first + second] == sorted((h.score for h in first + second), reverse=True)
    assert index.search("detain*", document="urn:doc:4")[0] == 1


def test_a_read_only_index_that_is_missing_says_what_to_do(tmp_path: Path) -> None:
    from ingest.passages import PassageIndexError

    with pytest.raises(PassageIndexError, match="casegraph passages --rebuild"):
        PassageIndex(tmp_path / "none.sqlite", read_only=True)


# --- kept in step by the build ----------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Path]]:
    root = tmp_path_factory.mktemp("passages")
    docs = root / "docs"
    docs.mkdir()
    (docs / "710_marenta_one.txt").write_text(REPORT_ONE, encoding="utf-8")
    (docs / "711_marenta_two.txt").write_text(REPORT_TWO, encoding="utf-8")
    store_path = root / "store"
    index_path = index_path_for(store_path)
    store = EmbeddedStore(store_path)
    index = PassageIndex(index_path)
    summary = build([docs], store, workers=0, passages=index)
    assert summary.documents == 2 and not summary.failures
    store.close()
    index.close()
    yield docs, store_path, index_path


def test_the_build_indexes_every_stored_text(built: tuple[Path, Path, Path]) -> None:
    _docs, store_path, index_path = built
    store = EmbeddedStore(store_path, read_only=True)
    index = PassageIndex(index_path, read_only=True)
    try:
        assert in_step(index, store)
        texts = {t.document: t.text for t in stored_texts(store)}
        total, hits = index.search("laptops")
        assert total == 1
        assert texts[hits[0].document][hits[0].start : hits[0].end] == hits[0].quote
    finally:
        index.close()
        store.close()


def test_a_changed_document_replaces_its_passages_and_a_stale_index_is_rebuilt(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    path = docs / "712_marenta_three.txt"
    path.write_text(REPORT_ONE, encoding="utf-8")
    store = EmbeddedStore(tmp_path / "store")
    index = PassageIndex(index_path_for(tmp_path / "store"))
    build([docs], store, workers=0, passages=index, fuse=False)
    assert index.search("laptops")[0] == 1
    path.write_text(REPORT_TWO, encoding="utf-8")
    build([path], store, workers=0, passages=index, fuse=False)
    assert index.search("laptops")[0] == 0 and index.search('"house arrest"')[0] == 1
    assert in_step(index, store)
    # an index that lost a document (or a store loaded without one) is rebuilt on the next build
    index.rebuild([])
    summary = build([], store, workers=0, passages=index, fuse=False)
    assert any("passage index rebuilt" in n for n in summary.notes)
    assert in_step(index, store)
    # a dropped graph takes its passages with it
    graph = store.named_graphs()[0]
    store.drop_graph(graph)
    index.remove_graph(graph)
    assert in_step(index, store) and index.counts() == (0, 0)
    index.close()
    store.close()


# --- through the real server ------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(built: tuple[Path, Path, Path]) -> Iterator[str]:
    _docs, store_path, _index = built
    with running_server(store_path, "--workers", "1") as base:
        yield base


def test_api_passages_phrase_prefix_offsets_and_events(server: str, built: tuple[Path, Path, Path]) -> None:
    body = httpx.get(f"{server}/api/passages", params={"q": '"pre-trial detention"'}).json()
    assert body["total"] == 1
    hit = body["items"][0]
    assert set(hit) >= {"document", "quote", "start", "end", "events", "highlights"}
    assert len(hit["quote"]) <= MAX_PASSAGE
    # the offsets index the document's stored text exactly; the public reads only the passage
    # (no sidecar says `text: public`, ingest.texts), the store's owner the whole text
    query = f"SELECT ?t WHERE {{ <{hit['document']['iri']}> <https://schema.org/text> ?t }}"
    results = {"Accept": "application/sparql-results+json"}
    public = httpx.post(f"{server}/sparql", data={"query": query}, headers=results)
    assert public.json()["results"]["bindings"] == []
    store = EmbeddedStore(built[1], read_only=True)
    try:
        text = {t.document: t.text for t in stored_texts(store)}[hit["document"]["iri"]]
    finally:
        store.close()
    assert text[hit["start"] : hit["end"]] == hit["quote"]
    # the event whose evidence lies in the passage
    assert any(e["type"] == "pretrial-detention" for e in hit["events"]), hit["events"]
    assert all(e["href"].startswith("/id/event/") for e in hit["events"])
    prefix = httpx.get(f"{server}/api/passages", params={"q": "detain* OR arrest*"}).json()
    assert prefix["total"] == 2  # "detained" (one report), "arrest" (the other)
    words = {hit["quote"][s:e].lower() for hit in prefix["items"] for s, e in hit["highlights"]}
    assert {"detained", "arrest"} <= words


def test_api_passages_paginates_with_totals_and_refuses_empty_queries(server: str) -> None:
    everything = httpx.get(f"{server}/api/passages", params={"q": "Varga OR Castelmar", "limit": 500}).json()
    assert everything["total"] == len(everything["items"]) >= 3
    page = httpx.get(f"{server}/api/passages", params={"q": "Varga OR Castelmar", "limit": 2, "offset": 1}).json()
    assert page["total"] == everything["total"] and page["items"] == everything["items"][1:3]
    assert httpx.get(f"{server}/api/passages", params={"q": '"" ***'}).status_code == 422
    assert httpx.get(f"{server}/api/passages").status_code == 422
    one = httpx.get(f"{server}/api/passages", params={"q": "Varga", "document": "711-marenta-two"}).json()
    assert one["total"] == 1 and one["items"][0]["document"]["id"] == "711-marenta-two"
    health = httpx.get(f"{server}/health").json()
    assert health["passage_index"]["documents"] == 2
    assert health["passage_index"]["source"].endswith(".passages.sqlite")


def test_search_page_marks_the_words_and_links_the_document(server: str) -> None:
    html = httpx.get(f"{server}/search", params={"q": "house arrest"}).text
    assert "<mark>house</mark> <mark>arrest</mark>" in html
    assert 'href="/id/document/711-marenta-two"' in html
    assert "1 passage matches" in html
    # every page has the search box
    for path in ("/", "/persons", "/events", "/query"):
        assert 'action="/search"' in httpx.get(server + path).text, path


def test_a_store_without_an_index_is_searched_through_one_built_in_memory(tmp_path: Path) -> None:
    store = fill(EmbeddedStore(tmp_path / "store"))
    store.flush()
    store.close()
    with running_server(tmp_path / "store", "--workers", "1") as base:
        body = httpx.get(f"{base}/api/passages", params={"q": '"Penal Code"'}).json()
        assert body["total"] == 1
        hit = body["items"][0]
        assert TEXT_A[hit["start"] : hit["end"]] == hit["quote"]
        assert httpx.get(f"{base}/health").json()["passage_index"]["source"] == "memory"


def test_cli_rebuilds_and_searches(built: tuple[Path, Path, Path], tmp_path: Path) -> None:
    import subprocess
    import sys

    _docs, store_path, _index = built
    other = tmp_path / "other.sqlite"
    run = [sys.executable, "-m", "casegraph", "passages", "--store", str(store_path), "--passages", str(other)]
    out = subprocess.run([*run, "--rebuild"], capture_output=True, text=True, check=True).stdout
    assert "2 documents" in out
    out = subprocess.run([*run, "laptops"], capture_output=True, text=True, check=True).stdout
    assert "1 passages match" in out or "1 passage" in out
    store = EmbeddedStore(store_path, read_only=True)
    try:
        assert rebuild_from(PassageIndex(None), store)[0] == 2
    finally:
        store.close()
