"""Publication states (ingest.publication), where they come from (sidecar, curated facts), the
rule for a rebuild, the public view (ingest.store.view) and `casegraph publish/withhold`.
The end-to-end attack on every public path is tests/leak/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest import publication
from ingest.errors import InputError
from ingest.facts_yaml import read_facts
from ingest.ids import fused_graph_iri, graph_iri
from ingest.pipeline import build
from ingest.readers import read_sidecar
from ingest.store import connect
from ingest.store.base import Dataset, Job
from ingest.store.public.dataset import public_dataset
from ingest.store.public.guard import inspect
from ingest.store.rdf import Format
from ingest.store.view import StoreView
from tests.serving import ROOT

GOLD = ROOT / "tests" / "fixtures" / "gold"
FILES = sorted(GOLD.glob("*.yaml"))
HIDDEN = FILES[3]  # 003: the one withheld here
HIDDEN_GRAPH = str(graph_iri(read_facts(HIDDEN).document.file))


def _copy(tmp: Path, state: str | None) -> Path:
    folder = tmp / "facts"
    folder.mkdir(exist_ok=True)
    for f in FILES:
        text = f.read_text(encoding="utf-8")
        if f == HIDDEN and state is not None:
            text = text.replace("document:\n", f"document:\n  publication: {state}\n", 1)
        (folder / f.name).write_text(text, encoding="utf-8")
    return folder


def _build(store_path: Path, folder: Path, **kw: object) -> None:
    store = connect(store_path)
    try:
        build([folder], store, workers=0, initializer=None, **{"force": True, **kw})  # type: ignore[arg-type]
    finally:
        store.close()


@pytest.fixture
def built(tmp_path: Path) -> Path:
    _build(tmp_path / "store", _copy(tmp_path, "withheld"))
    return tmp_path / "store"


def test_a_document_marked_withheld_is_registered_and_hidden_from_the_public_view(built: Path) -> None:
    store = connect(built, read_only=True)
    assert publication.states(store) == {HIDDEN_GRAPH: "withheld"}
    assert publication.state_of(store, HIDDEN_GRAPH) == "withheld"
    assert publication.state_of(store, str(graph_iri(FILES[0].name))) == "public"
    public, full = StoreView(store), StoreView(store, full=True)
    assert HIDDEN_GRAPH not in public.named_graphs()
    assert not any(publication.is_internal(g) for g in public.named_graphs())
    # a token holder's fused view is the one over every document, in place of the public one
    assert [g for g in full.named_graphs() if publication.is_internal(g)] == [publication.FULL_FUSED_GRAPH]
    assert str(fused_graph_iri()) not in full.named_graphs()
    assert HIDDEN_GRAPH in full.named_graphs()
    assert list(public.quads(HIDDEN_GRAPH)) == []
    assert list(public.quads(publication.REGISTRY)) == []
    docs = "SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE { ?d a <https://w3id.org/casegraph/ontology#Document> }"
    assert public.select(docs)[0]["n"] == str(len(FILES) - 1)
    assert full.select(docs)[0]["n"] == str(len(FILES))
    dumped = b"".join(public.export(Format.NQUADS)).decode()
    assert HIDDEN_GRAPH not in dumped and "urn:x-casegraph:store:" not in dumped
    assert len(public) == len(dumped.strip().splitlines())
    store.close()


def test_the_public_view_answers_as_a_store_of_the_public_documents_alone(built: Path, tmp_path: Path) -> None:
    """The oracle: a store built from the public documents only gives the same answers. (The
    view's own reads take the public union as one graph, the RDF merge: a statement two
    documents make counts once there, so whole-store counts are asked per graph or DISTINCT,
    as the API asks them; public SPARQL reads every graph by name and counts as the store.)"""
    alone = tmp_path / "alone"
    folder = _copy(tmp_path / "x", None) if (tmp_path / "x").mkdir() is None else None
    assert folder is not None
    (folder / HIDDEN.name).unlink()
    _build(alone, folder)
    a, b = StoreView(connect(built, read_only=True)), StoreView(connect(alone, read_only=True))
    for query in (
        "SELECT (COUNT(DISTINCT *) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        "SELECT DISTINCT ?l WHERE { ?p a <https://w3id.org/casegraph/ontology#Person> ; "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l",
    ):
        assert a.select(query) == b.select(query), query
    assert len(a) == len(b)
    fused = str(fused_graph_iri())
    assert sorted(map(str, a.quads(fused))) == sorted(map(str, b.quads(fused)))


def test_reads_over_every_graph_but_the_hidden_ones_answer_as_reads_of_the_visible_ones(built: Path) -> None:
    """A read-only store is read through its views with GRAPH cut by a filter on the few graphs
    a view hides (ingest.store.sparql_text.exclude_graphs), not over the visible graphs listed
    one by one: the API's own queries answer the same both ways, in each view."""
    from api.deps import load_query, with_values
    from ingest.store.terms import IRI

    store = connect(built, read_only=True)
    try:
        for view in (StoreView(store), StoreView(store, full=True)):
            seen = view.visible()
            assert seen.outside is not None and (HIDDEN_GRAPH in seen.outside) != view.full
            listed = Dataset(seen.default, seen.named, store_default=True)  # no `hidden`: listed
            people = [
                r["p"] or ""
                for r in view.select("SELECT DISTINCT ?p { ?p a <https://w3id.org/casegraph/ontology#Person> }")
            ]
            events = [
                r["e"] or ""
                for r in view.select("SELECT DISTINCT ?e { ?e a <https://w3id.org/casegraph/ontology#LegalEvent> }")
            ]
            assert people and events
            cases = [
                (with_values(load_query("event.rq"), "event", [IRI(e) for e in events]), {}),
                (load_query("ld_describe.rq"), {"iri": IRI(people[0])}),
                (load_query("persons.rq"), {}),
                ("SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g", {}),
            ]
            for query, bindings in cases:
                fast = sorted(map(str, view.select(query, bindings)))
                slow = sorted(map(str, store.select(query, bindings, dataset=listed)))
                assert fast == slow and fast, query[:60]
            # the graph sizes: the withheld document's graph in the full view only
            assert (HIDDEN_GRAPH in "".join(fast)) == view.full
    finally:
        store.close()


def test_a_rebuild_without_metadata_keeps_a_document_withheld_and_public_metadata_publishes_it(
    built: Path, tmp_path: Path
) -> None:
    _build(built, _copy(tmp_path / "again", None) if (tmp_path / "again").mkdir() is None else tmp_path)
    store = connect(built)
    assert publication.state_of(store, HIDDEN_GRAPH) == "withheld"
    store.close()
    _build(built, _copy(tmp_path / "pub", "public") if (tmp_path / "pub").mkdir() is None else tmp_path)
    store = connect(built)
    assert publication.state_of(store, HIDDEN_GRAPH) == "public"
    # nothing is withheld any more: no registry, no full fused view; the public union holds all
    assert publication.REGISTRY not in store.named_graphs()
    assert publication.FULL_FUSED_GRAPH not in store.named_graphs()
    assert StoreView(store).visible().default[0] == publication.PUBLIC_UNION
    assert HIDDEN_GRAPH in StoreView(store).named_graphs()
    store.close()


def test_set_state_says_what_changed_and_calls_the_hooks(built: Path) -> None:
    store = connect(built)
    seen: list[tuple[str, str | None, str]] = []
    hook = publication.on_change(lambda _s, g, before, after: seen.append((g, before, after)))
    try:
        assert publication.set_state(store, HIDDEN_GRAPH, "withheld") is False
        assert publication.set_state(store, HIDDEN_GRAPH, "public") is True
        other = str(graph_iri(FILES[0].name))
        assert publication.set_state(store, other, "withheld") is True
        assert seen == [(HIDDEN_GRAPH, "withheld", "public"), (other, None, "withheld")]
        with pytest.raises(ValueError, match="not a publication state"):
            publication.set_state(store, other, "secret")
    finally:
        publication._hooks.remove(hook)
        store.close()


def test_building_a_withheld_document_moves_nothing_public(tmp_path: Path) -> None:
    folder = _copy(tmp_path, None)
    hidden = folder / HIDDEN.name
    kept = tmp_path / HIDDEN.name
    shutil.move(hidden, kept)
    store_path = tmp_path / "store"
    _build(store_path, folder)
    store = connect(store_path)
    before = StoreView(store).last_modified(), len(StoreView(store))
    store.close()
    text = kept.read_text(encoding="utf-8").replace("document:\n", "document:\n  publication: withheld\n", 1)
    (folder / HIDDEN.name).write_text(text, encoding="utf-8")
    _build(store_path, folder, force=False)
    store = connect(store_path)
    assert publication.state_of(store, HIDDEN_GRAPH) == "withheld"
    assert (StoreView(store).last_modified(), len(StoreView(store))) == before
    store.close()


def test_metadata_states_are_checked_where_they_are_written(tmp_path: Path) -> None:
    doc = tmp_path / "report.txt"
    doc.write_text("text", encoding="utf-8")
    (tmp_path / "report.meta.yaml").write_text("publication: secret\n", encoding="utf-8")
    with pytest.raises(InputError, match="publication: 'secret' is not a publication state") as caught:
        read_sidecar(doc)
    assert caught.value.source.endswith("report.meta.yaml")
    (tmp_path / "report.meta.yaml").write_text("publication: withheld\n", encoding="utf-8")
    assert read_sidecar(doc) == {"publication": "withheld"}
    facts = tmp_path / "f.yaml"
    facts.write_text("document:\n  file: report.txt\n  publication: later\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"document\.publication: 'later'"):
        read_facts(facts)


def _job(**kw: object) -> Job:
    job: Job = {
        "query": "SELECT * WHERE { ?s ?p ?o }",
        "accept": None,
        "media_type": None,
        "default_graphs": None,
        "named_graphs": None,
        "row_cap": 10,
        "byte_cap": 1000,
        "max_depth": 40,
        "base_iri": "http://h/sparql",
        "visible_graphs": ["http://h/a", "http://h/b"],
    }
    job.update(kw)  # type: ignore[typeddict-item]
    return job


def test_a_public_query_reads_the_visible_graphs_only_and_drops_any_other_it_names() -> None:
    plain = _job(query="SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")
    assert public_dataset(plain, inspect(plain["query"])) == Dataset(
        ("http://h/a", "http://h/b"), ("http://h/a", "http://h/b"), store_default=True
    )
    # without a GRAPH pattern (anywhere in it) a query reads no named graph: it is given none
    for query in ("SELECT * WHERE { ?s ?p ?o }", "SELECT * FROM NAMED <http://h/a> WHERE { ?s ?p ?o }"):
        assert public_dataset(_job(query=query), inspect(query)).named == ()  # type: ignore[union-attr]
    exists = "ASK { ?s ?p ?o FILTER EXISTS { GRAPH <http://h/b> { ?s ?p ?o } } }"
    assert public_dataset(_job(query=exists), inspect(exists)).named == ("http://h/a", "http://h/b")  # type: ignore[union-attr]
    named = _job(
        query="SELECT * FROM <http://h/a> FROM NAMED <b> FROM NAMED <http://h/secret> WHERE { GRAPH ?g { ?s ?p ?o } }"
    )
    assert public_dataset(named, inspect(named["query"])) == Dataset(("http://h/a",), ("http://h/b",))
    protocol = _job(
        query="SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }",
        default_graphs=["http://h/secret"],
        named_graphs=["http://h/b", "http://h/nothing"],
    )
    assert public_dataset(protocol, inspect(protocol["query"])) == Dataset((), ("http://h/b",))
    everything = _job(visible_graphs=None)
    assert public_dataset(everything, inspect(everything["query"])) is None
    # nothing hidden: the store's own union, but a named graph outside the store is still dropped
    fast = _job(union_ok=True)
    assert public_dataset(fast, inspect(fast["query"])) is None
    fast_named = _job(query="SELECT * { GRAPH ?g { ?s ?p ?o } }", union_ok=True, named_graphs=["http://h/nothing"])
    assert public_dataset(fast_named, inspect(fast_named["query"])) == Dataset((), ())


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "casegraph", *args], cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def test_publish_and_withhold_say_what_changed_and_refuse_what_is_not_a_document(built: Path) -> None:
    doc = HIDDEN.stem.replace("_", "-")
    out = _cli("publish", "--store", str(built), HIDDEN.name)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [f"public: {doc} (was withheld)"]
    out = _cli("publish", "--store", str(built), f"https://w3id.org/casegraph/id/document/{doc}")
    assert out.stdout.splitlines() == [f"unchanged: {doc} (public)"]
    out = _cli("withhold", "--store", str(built), HIDDEN.stem)
    assert out.stdout.splitlines() == [f"withheld: {doc} (was public)"]
    out = _cli("withhold", "--store", str(built), "no-such-report.txt", HIDDEN.name)
    assert out.returncode == 2
    assert "no-such-report.txt: no such document in the store" in out.stderr
    assert out.stdout == ""
    out = _cli("withhold", "--store", str(built), str(fused_graph_iri()))
    assert out.returncode == 2 and "a fused view, not a document" in out.stderr


@pytest.mark.parametrize("fmt", ["nquads", "facts"])
def test_export_public_leaves_withheld_documents_out_and_the_owners_export_keeps_them(
    built: Path, tmp_path: Path, fmt: str
) -> None:
    public, owner = tmp_path / f"public-{fmt}", tmp_path / f"owner-{fmt}"
    assert _cli("export", "--store", str(built), "--format", fmt, "--out", str(public), "--public").returncode == 0
    assert _cli("export", "--store", str(built), "--format", fmt, "--out", str(owner)).returncode == 0
    if fmt == "facts":
        names = sorted(p.name for p in public.iterdir())
        assert HIDDEN.name not in names and len(names) == len(FILES) - 1
        assert (owner / HIDDEN.name).is_file()
        assert "publication: withheld" in (owner / HIDDEN.name).read_text(encoding="utf-8")
    else:
        assert HIDDEN_GRAPH not in public.read_text(encoding="utf-8")
        assert HIDDEN_GRAPH in owner.read_text(encoding="utf-8")
        assert "urn:x-casegraph:store:" not in public.read_text(encoding="utf-8")
