"""Entity resolution: transliteration keys, reviewed decisions (data/resolver.tsv) applied when
minting IRIs and published as owl:sameAs, and fuzzy candidates that are only proposed."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL

from casegraph.cli import main
from ingest import ids
from ingest.model import DocumentRecord, Facts, PersonRecord
from ingest.names import name_key
from ingest.pipeline import build
from ingest.rdf import facts_to_graph
from ingest.resolve import Entity, Resolver, ResolverFileError, propose, read_decisions
from ingest.store.embedded import EmbeddedStore
from ingest.texts import replace_document

HEADER = "kind\tname_a\tname_b\tdecision\treviewer\tdate\tnote\n"


def write(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "resolver.tsv"
    path.write_text("# reviewed decisions\n" + HEADER + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_transliteration_variants_share_one_key() -> None:
    assert name_key("Rassul Aliyev") == name_key("Rasul Aliev")
    assert name_key("Yevgeny Zhovtis") == name_key("Evgeni Jovtis")
    assert name_key("Rasul Aliev") != name_key("Rasul Alimov")


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("animal\tA B\tC D\tsame\tann\t2024-01-01\t", "kind must be"),
        ("person\tAnna Berg\tAnna Borg\tmaybe\tann\t2024-01-01\t", "decision must be"),
        ("person\tAnna Berg\tAnna Borg\tsame\t\t2024-01-01\t", "names its reviewer"),
        ("person\tAnna Berg\tAnna Borg\tsame\tann\tyesterday\t", "date must be"),
        ("person\tRasul Aliev\tRassul Aliyev\tsame\tann\t2024-01-01\t", "already share a key"),
    ],
)
def test_a_bad_line_is_named_with_file_and_line(tmp_path: Path, row: str, problem: str) -> None:
    path = write(tmp_path, row)
    with pytest.raises(ResolverFileError, match=problem) as info:
        read_decisions(path)
    assert f"{path}:3:" in str(info.value)


def test_a_wrong_header_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "resolver.tsv"
    path.write_text("a\tb\tc\n", encoding="utf-8")
    with pytest.raises(ResolverFileError, match="header"):
        read_decisions(path)


def test_same_decisions_group_names_under_one_canonical_key(tmp_path: Path) -> None:
    r = Resolver(
        read_decisions(
            write(
                tmp_path,
                "person\tNurlan Abenov\tNurlan Aben\tsame\tann\t2024-01-01\tshort form",
                "person\tNurlan Aben\tN. Abenov\tsame\tann\t2024-01-02\tinitial",
                "person\tNurlan Abenov\tNurlan Abdenov\tnot-same\tann\t2024-01-03\ttwo brothers",
            )
        )
    )
    names = ("Nurlan Aben", "N. Abenov", "Nurlan Abenov")
    canonical = name_key("Nurlan Abenov")  # the fullest form: most words, then the longest
    assert {r.canonical_key("person", n) for n in names} == {canonical}
    assert r.canonical_key("person", "Someone Else") == name_key("Someone Else")
    assert r.not_same("person", "Nurlan Abdenov", "Nurlan Abenov")
    assert sorted(k for k, _ in r.same_as_pairs("person")) == sorted(
        name_key(n) for n in names if name_key(n) != canonical
    )


def test_contradicting_decisions_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(
        tmp_path,
        "person\tNurlan Abenov\tNurlan Aben\tsame\tann\t2024-01-01\t",
        "person\tNurlan Aben\tNurlan Abenov\tnot-same\tbob\t2024-01-02\t",
    )
    monkeypatch.setenv("CASEGRAPH_RESOLVER", str(path))
    with pytest.raises(ResolverFileError, match="both same and not-same"):
        Resolver(read_decisions(path))


def test_decisions_mint_one_iri_and_publish_same_as(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "person\tNurlan Abenov\tNurlan Aben\tsame\tann\t2024-01-01\t")
    monkeypatch.setenv("CASEGRAPH_RESOLVER", str(path))
    assert ids.person_iri("Nurlan Aben") == ids.person_iri("Nurlan Abenov")
    facts = Facts(
        document=DocumentRecord(file="short.txt", text="Nurlan Aben was detained."),
        people=[PersonRecord(name="Nurlan Aben", kind="defender")],
    )
    graph = facts_to_graph(facts)
    canonical = ids.person_iri("Nurlan Abenov")
    (other,) = {name_key("Nurlan Aben"), name_key("Nurlan Abenov")} - {str(canonical).rsplit("/", 1)[1]}
    assert (URIRef(str(ids.key_iri("person", other))), OWL.sameAs, canonical) in graph


def entity(iri: str, kind: str, *names: str) -> Entity:
    return Entity(iri=iri, kind=kind, names=names)


def test_fuzzy_candidates_are_proposed_best_first_and_decided_pairs_left_out(tmp_path: Path) -> None:
    r = Resolver(
        read_decisions(write(tmp_path, "person\tAigerim Tulegenova\tAigerim Tulegenov\tnot-same\tann\t2024-01-01\t"))
    )
    people = [
        entity("p:1", "person", "Dilshod Karimov"),
        entity("p:2", "person", "Dilshod Karimova"),
        entity("p:3", "person", "Bakhtiyor Nuriddinov"),
        entity("p:4", "person", "Aigerim Tulegenova"),
        entity("p:5", "person", "Aigerim Tulegenov"),
        entity("p:6", "person", "Timur Aben"),
        entity("p:7", "person", "Timur Abenov"),
        entity("o:1", "organisation", "Tashkent City Court"),
    ]
    found = propose(people, threshold=85, decisions=r)
    pairs = [(c.a.iri, c.b.iri) for c in found]
    assert ("p:1", "p:2") in pairs and ("p:6", "p:7") in pairs
    assert ("p:4", "p:5") not in pairs  # reviewed: not the same
    assert all(c.score >= 85 for c in found)
    assert [c.score for c in found] == sorted((c.score for c in found), reverse=True)


FACTS_A = """document: {file: a.txt, publishers: [], language: en}
people:
  - {name: Dilshod Karimov, kind: defender}
organisations: []
events: []
"""
FACTS_B = """document: {file: b.txt, publishers: [], language: en}
people:
  - {name: Dilshod Karimova, kind: defender}
  - {name: Shavkat Mirziyoyev, kind: authority}
organisations: []
events: []
"""


def test_propose_merges_lists_candidates_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CASEGRAPH_RESOLVER", str(write(tmp_path)))
    (tmp_path / "a.yaml").write_text(FACTS_A, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(FACTS_B, encoding="utf-8")
    store_dir = tmp_path / "store"
    store = EmbeddedStore(store_dir)
    summary = build([tmp_path / "a.yaml", tmp_path / "b.yaml"], store, workers=0)
    assert not summary.failures
    before = len(store)
    store.close()
    assert main(["propose-merges", "--store", str(store_dir), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [sorted([c["a"]["names"][0], c["b"]["names"][0]]) for c in out] == [["Dilshod Karimov", "Dilshod Karimova"]]
    assert out[0]["resolver_line"].startswith("person\t")
    assert len(EmbeddedStore(store_dir, read_only=True)) == before


def test_propose_merges_refuses_a_bad_threshold(tmp_path: Path) -> None:
    assert main(["propose-merges", "--store", str(tmp_path / "none"), "--threshold", "150"]) == 2


@pytest.mark.parametrize(
    ("group", "fullest"),
    [
        # more words beat a longer short form; then the longer; the smallest key breaks ties
        (("Anna Berg", "Anna Maria Berg", "A. Bergstrom"), "Anna Maria Berg"),
        (("Lena Holm", "Lena Holmqvist"), "Lena Holmqvist"),
        (("Lena Holm", "Lina Holm"), "Lena Holm"),
    ],
)
def test_the_canonical_key_of_a_group_is_its_fullest_form(tmp_path: Path, group: tuple[str, ...], fullest: str) -> None:
    rows = [f"person\t{a}\t{b}\tsame\tann\t2024-01-01\t" for a, b in itertools.pairwise(group)]
    for order in (rows, rows[::-1]):
        r = Resolver(read_decisions(write(tmp_path, *order)))
        assert {r.canonical_key("person", n) for n in group} == {name_key(fullest)}
        assert {b for _, b in r.same_as_pairs("person")} == {name_key(fullest)}
    org = Resolver(
        read_decisions(write(tmp_path, "organisation\tHigh Court\tHigh Court of Ruritania\tsame\tann\t2024-01-01\t"))
    )
    assert org.canonical_key("organisation", "High Court") == "high-court-of-ruritania"


def test_same_as_points_from_the_short_form_to_the_fullest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "CASEGRAPH_RESOLVER", str(write(tmp_path, "person\tAnna Berg\tAnna Maria Berg\tsame\tann\t2024-01-01\t"))
    )
    full = ids.key_iri("person", name_key("Anna Maria Berg"))
    assert ids.person_iri("Anna Berg") == full
    graph = facts_to_graph(
        Facts(
            document=DocumentRecord(file="short.txt", text="Anna Berg was detained."),
            people=[PersonRecord(name="Anna Berg", kind="defender")],
        )
    )
    assert set(graph.subject_objects(OWL.sameAs)) == {(ids.key_iri("person", name_key("Anna Berg")), full)}


def test_canonical_iri_agrees_with_minting() -> None:
    base = "https://x/id/person/"
    iris = [base + name_key(n) for n in ("Anna Berg", "Anna Maria Berg", "A. Bergstrom")]
    assert ids.canonical_iri(iris) == ids.canonical_iri(reversed(iris)) == base + name_key("Anna Maria Berg")


def test_fusion_reports_the_fullest_form_whatever_the_direction_of_same_as() -> None:
    from ingest.fusion import compute_fusion
    from ingest.model import EventRecord, Evidence

    short, full = ids.person_iri("Anna Berg"), ids.person_iri("Anna Maria Berg")  # no decision file here
    for a, b in ((short, full), (full, short)):
        store = EmbeddedStore(memory=True)
        for doc, name in (("one", "Anna Berg"), ("two", "Anna Maria Berg")):
            text = f"{name} was arrested on 3 May 2019."
            facts = Facts(
                document=DocumentRecord(file=f"{doc}.txt", text=text, curated=True),
                people=[PersonRecord(name=name, kind="defender")],
                events=[
                    EventRecord(
                        type="arrest", people=[name], date="2019-05-03", evidence=[Evidence(text, 0, len(text))]
                    )
                ],
            )
            replace_document(store, facts_to_graph(facts))
        same = Graph(identifier=URIRef("urn:test:resolver"))
        same.add((a, OWL.sameAs, b))
        store.replace_graph(same)
        fusion, names = compute_fusion(store)
        (event,) = fusion.events
        assert event.subjects == [str(full)]
        assert len(event.claims) == 2
        assert str(short) not in names
