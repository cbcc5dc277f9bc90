"""The build pipeline: bad input never stops a batch or leaves half a graph; rebuilding is
idempotent; a changed file replaces its own graph; a crashing worker costs one document."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from rdflib import RDF

from ingest.errors import InputError
from ingest.export import read_all_facts
from ingest.ids import fused_graph_iri, graph_iri
from ingest.model import DocumentRecord, EventRecord, Evidence, Facts, PersonRecord
from ingest.pipeline import Failure, Outcome, build, checked_facts_graph, discover, process, violations_line
from ingest.store.embedded import EmbeddedStore
from ingest.texts import is_text_graph, text_graph_iri
from ingest.validate import ValidationResult
from ingest.vocab import CG
from tests.bad_inputs import REPORT, write_bad_inputs
from tests.conftest import GOLD


def quads(store: EmbeddedStore) -> list[str]:
    return sorted(str(q) for q in store.quads())


def graph_quads(store: EmbeddedStore, file_name: str) -> list[str]:
    name = str(graph_iri(file_name))
    return sorted(str(q) for q in store.quads() if str(q.graph) == f"<{name}>")


def good_inputs(folder: Path) -> list[str]:
    """One plain-text report (through extraction) and one curated facts file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "valdora-2019.txt").write_text(REPORT, encoding="utf-8")
    gold = sorted(GOLD.glob("*.yaml"))[0]
    shutil.copy(gold, folder / gold.name)
    return ["valdora-2019.txt", gold.name.replace(".yaml", ".txt")]


def test_bad_inputs_never_stop_a_batch(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    expected = write_bad_inputs(docs)
    stored = good_inputs(docs)
    store = EmbeddedStore(memory=True)
    summary = build([docs], store, workers=0, fuse=False)
    assert summary.documents == 2, [str(f) for f in summary.failures]
    failed = {Path(f.path).name: f.problem for f in summary.failures}
    assert failed.keys() == expected.keys()
    for name, phrase in expected.items():
        assert phrase in failed[name], (name, failed[name])
    # each document's graph and, beside the report's, its text's (ingest.texts; the facts file has none)
    documents = [g for g in store.named_graphs() if not is_text_graph(g)]
    assert documents == sorted(str(graph_iri(n)) for n in stored)
    assert [g for g in store.named_graphs() if is_text_graph(g)] == [text_graph_iri(str(graph_iri(stored[0])))]
    assert summary.triples == len(store)


def test_a_failing_document_keeps_its_previous_graph_whole(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    good_inputs(docs)
    store = EmbeddedStore(memory=True)
    assert not build([docs], store, workers=0, fuse=False).failures
    before = quads(store)
    (docs / "valdora-2019.txt").write_bytes(b"\x00\x01\x02" * 1000)  # the file is now junk
    summary = build([docs], store, workers=0, fuse=False)
    assert [Path(f.path).name for f in summary.failures] == ["valdora-2019.txt"]
    assert quads(store) == before


def test_rebuilding_the_same_files_changes_nothing(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    good_inputs(docs)
    store = EmbeddedStore(tmp_path / "store")
    first = build([docs], store, workers=0, fuse=False)
    assert not first.failures
    before = quads(store)
    assert first.triples == len(store)
    second = build([docs], store, workers=0, fuse=False)
    assert not second.failures
    assert (second.documents, second.unchanged) == (0, first.documents), "unchanged files are skipped"
    assert quads(store) == before
    forced = build([docs], store, workers=0, fuse=False, force=True)
    assert quads(store) == before, "and built again they give the same graph"
    assert forced.triples == first.triples


def test_a_changed_file_replaces_only_its_own_graph(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    good_inputs(docs)
    store = EmbeddedStore(memory=True)
    build([docs], store, workers=0, fuse=False)
    gold_name = next(p.name for p in docs.glob("*.yaml")).replace(".yaml", ".txt")
    untouched = graph_quads(store, gold_name)
    old = graph_quads(store, "valdora-2019.txt")
    changed = REPORT.replace("2 June 2019", "3 June 2019")
    (docs / "valdora-2019.txt").write_text(changed, encoding="utf-8")
    assert not build([docs], store, workers=0, fuse=False).failures
    new = graph_quads(store, "valdora-2019.txt")
    assert new != old
    assert not any("2 June 2019" in q for q in new)  # no stale triple of the old text survives
    assert any("3 June 2019" in q for q in new)
    assert graph_quads(store, gold_name) == untouched


def test_a_file_that_vanishes_mid_run(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (docs / name).write_text(REPORT.replace("Valdora", f"Valdora {name[0].upper()}"), encoding="utf-8")
    seen: list[str] = []

    def on_progress(path: Path, failure: Failure | None) -> None:
        seen.append(path.name)
        if path.name == "a.txt":
            (docs / "c.txt").unlink()

    summary = build([docs], EmbeddedStore(memory=True), on_progress, workers=0, fuse=False)
    assert seen == ["a.txt", "b.txt", "c.txt"]
    assert summary.documents == 2
    assert [(Path(f.path).name, f.problem) for f in summary.failures] == [
        ("c.txt", "file vanished before it could be read")
    ]


def test_curated_facts_win_over_extraction_whatever_the_order(tmp_path: Path) -> None:
    gold = sorted(GOLD.glob("*.yaml"))[1]
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(gold, docs / gold.name)
    text = docs / gold.name.replace(".yaml", ".txt")
    text.write_text(REPORT, encoding="utf-8")
    for order in ([text, docs / gold.name], [docs / gold.name, text]):
        store = EmbeddedStore(memory=True)
        summary = build(order, store, workers=0, fuse=False)
        assert summary.documents == 1
        assert len(summary.notes) == 1
        (facts,) = read_all_facts(store)
        assert facts.document.curated


def crashing_process(path: str) -> Outcome:
    """A worker that dies on one file, as a segfault in native code would (module level, so
    spawned workers can import it)."""
    if "crash" in Path(path).name:
        os._exit(70)
    return process(path)


def test_a_worker_crash_costs_only_its_document(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    golds = sorted(GOLD.glob("*.yaml"))
    for gold in golds:
        shutil.copy(gold, docs / gold.name)
    (docs / "crash.txt").write_text(REPORT, encoding="utf-8")
    store = EmbeddedStore(memory=True)
    summary = build([docs], store, workers=2, process_fn=crashing_process, initializer=None, fuse=False)
    assert summary.documents == len(golds)
    assert [(Path(f.path).name, "crashed" in f.problem) for f in summary.failures] == [("crash.txt", True)]
    assert len(store.named_graphs()) == len(golds)


def test_discover_skips_sidecars_hidden_files_and_duplicates(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    for name in ("a.txt", "a.meta.yaml", ".hidden.txt", "b.html", "c.pdf", "notes.doc", "sub/d.yaml"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = discover([tmp_path, tmp_path / "a.txt", tmp_path / "notes.doc"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.txt",
        "b.html",
        "c.pdf",
        "sub/d.yaml",
        "notes.doc",
    ]


def test_a_failed_validation_becomes_one_line() -> None:
    messages = ["A transfer needs a destination", "A charge needs a provision"]
    rows: list[dict[str, str | None]] = [
        {"severity": "Violation", "focus": f"<ev{n}>", "message": messages[n % 2]} for n in range(5)
    ]
    rows.append({"severity": "Warning", "focus": "<ev9>", "message": "only a warning"})
    line = violations_line(ValidationResult(conforms=False, results=rows))
    assert line == (
        "5 violation(s): A transfer needs a destination (at <ev0>); A charge needs a provision (at <ev1>); "
        "A transfer needs a destination (at <ev2>) (+2 more)"
    )


def test_a_document_whose_graph_breaks_the_shapes_fails_on_one_line(tmp_path: Path) -> None:
    facts = tmp_path / "broken.yaml"  # a transfer to where it came from: the shapes refuse it
    facts.write_text(
        "document: {file: broken.txt}\npeople: [{name: Jane Roe, kind: defender}]\n"
        "events: [{type: transfer, people: [Jane Roe], date: 2019-06-05, from: Prison 2, to: Prison 2}]\n",
        encoding="utf-8",
    )
    summary = build([facts], EmbeddedStore(memory=True), workers=0)
    (failure,) = summary.failures
    assert failure.problem.startswith("does not conform to the shapes: 1 violation(s): ")
    assert "\n" not in str(failure)


def hanging_process(path: str) -> Outcome:
    """A worker that never finishes one file, as a runaway regular expression would."""
    if "hang" in Path(path).name:
        time.sleep(3600)
    return process(path)


def load_shapes() -> None:
    """Worker set-up for the hang test: the imports and shapes a first document would load
    (inside its time limit) without the NLP model, so only the hang can exceed 2 s."""
    from rdflib import Graph

    from ingest.validate import validate_graph

    validate_graph(Graph())


def test_a_hanging_document_is_stopped_and_reported(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a", "b"):  # tiny curated files: done in milliseconds, far inside the timeout
        (docs / f"{name}.yaml").write_text(f"document: {{file: {name}.txt, publishers: [Example Watch]}}\n")
    (docs / "hang.txt").write_text(REPORT, encoding="utf-8")
    store = EmbeddedStore(memory=True)
    summary = build([docs], store, workers=2, process_fn=hanging_process, timeout=8, initializer=load_shapes)
    assert summary.documents == 2
    assert [Path(f.path).name for f in summary.failures] == ["hang.txt"]
    assert "stopped after running 8 s" in summary.failures[0].problem


EVIDENCE = """
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX schema: <https://schema.org/>
SELECT ?file ?text ?exact ?start ?end WHERE {
  ?doc schema:text ?text ; <https://w3id.org/casegraph/ontology#fileName> ?file .
  ?target oa:hasSource ?doc ; oa:hasSelector ?quote, ?position .
  ?quote oa:exact ?exact .
  ?position oa:start ?start ; oa:end ?end .
}
"""


def test_evidence_offsets_index_the_stored_text_for_every_format(tmp_path: Path) -> None:
    from tests.bad_inputs import make_pdf, report_lines
    from tests.test_readers import ARTICLE

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "article.html").write_text(ARTICLE, encoding="utf-8")
    (docs / "report.pdf").write_bytes(make_pdf(report_lines()))
    (docs / "note.txt").write_text("https://watch.example.org/n/1\n" + REPORT, encoding="utf-8")
    store = EmbeddedStore(memory=True)
    summary = build([docs], store, workers=0, fuse=False)
    assert summary.documents == 3, [str(f) for f in summary.failures]
    rows = store.select(EVIDENCE)
    assert {r["file"] for r in rows} == {"article.html", "report.pdf", "note.txt"}  # each gave evidence
    for r in rows:
        text, start, end = r["text"] or "", int(r["start"] or 0), int(r["end"] or 0)
        assert text[start:end] == r["exact"], (r["file"], start, end, r["exact"])


def broken_setup() -> None:
    raise RuntimeError("no NLP model here")


def test_workers_that_cannot_start_fail_the_batch_instead_of_looping(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(REPORT, encoding="utf-8")
    (docs / "b.txt").write_text(REPORT, encoding="utf-8")
    summary = build([docs], EmbeddedStore(memory=True), workers=2, initializer=broken_setup)
    assert summary.documents == 0
    assert [(Path(f.path).name, "start-up" in f.problem) for f in summary.failures] == [
        ("a.txt", True),
        ("b.txt", True),
    ]


def test_two_documents_with_one_name_do_not_overwrite_each_other(tmp_path: Path) -> None:
    for year in ("2019", "2020"):
        (tmp_path / year).mkdir()
        (tmp_path / year / "report.txt").write_text(REPORT.replace("2019", year), encoding="utf-8")
    store = EmbeddedStore(memory=True)
    summary = build([tmp_path], store, workers=0)
    assert summary.documents == 1
    assert [str(f) for f in summary.failures] == [
        f"{tmp_path / '2020' / 'report.txt'}: same document name as {tmp_path / '2019' / 'report.txt'}; "
        "document file names must be unique (rename one)"
    ]
    assert any("2 June 2019" in q for q in graph_quads(store, "report.txt"))


def test_a_build_refreshes_the_fused_view(tmp_path: Path) -> None:
    store = EmbeddedStore(tmp_path / "store")
    golds = sorted(GOLD.glob("*.yaml"))
    summary = build(golds, store, workers=0)
    assert summary.fused.startswith("fused ")
    assert str(fused_graph_iri()) in store.named_graphs()
    fused_before = sorted(str(q) for q in store.quads() if q.graph.value == str(fused_graph_iri()))
    build(golds[:1], store, workers=0)  # rebuilding one document rebuilds the view, identically
    fused_after = sorted(str(q) for q in store.quads() if q.graph.value == str(fused_graph_iri()))
    assert fused_after == fused_before and fused_before


def _facts_with_one_impossible_transfer(curated: bool) -> Facts:
    text = "On 2 March 2020 police arrested Lena Mirova. She was moved from Prison 3 to Prison 3."
    quote = Evidence(quote=text[:41], start=0, end=41, rule="test")
    moved = Evidence(quote=text[42:], start=42, end=len(text), rule="test")
    return Facts(
        document=DocumentRecord(file="mirova.txt", text=text, curated=curated),
        people=[PersonRecord(name="Lena Mirova", kind="defender", evidence=[quote])],
        events=[
            EventRecord(type="arrest", people=["Lena Mirova"], date="2020-03-02", evidence=[quote]),
            EventRecord(type="transfer", people=["Lena Mirova"], from_="Prison 3", to="Prison 3", evidence=[moved]),
        ],
    )


def test_an_extracted_event_that_fails_the_shapes_is_withheld_not_the_document() -> None:
    graph, note = checked_facts_graph(_facts_with_one_impossible_transfer(curated=False), "mirova.txt")
    types = {str(o) for o in graph.objects(None, RDF.type)}
    assert str(CG.Arrest) in types
    assert str(CG.Transfer) not in types
    assert note is not None
    assert note.startswith("1 extracted event(s) withheld") and "starts where it ends" in note


def test_a_curated_file_that_fails_the_shapes_is_rejected_whole() -> None:
    with pytest.raises(InputError) as info:
        checked_facts_graph(_facts_with_one_impossible_transfer(curated=True), "mirova.yaml")
    assert str(info.value).startswith("mirova.yaml: does not conform to the shapes: 1 violation(s)")
