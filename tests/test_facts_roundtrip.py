"""Curated facts -> RDF -> SPARQL -> facts gives back exactly what went in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ingest.errors import InputError
from ingest.export import read_all_facts
from ingest.facts_yaml import facts_to_data, read_facts
from ingest.model import Facts
from ingest.rdf import facts_to_graph
from ingest.store.embedded import EmbeddedStore
from ingest.texts import replace_document


def canonical(facts: Facts) -> dict[str, Any]:
    """FORMAT.md data with list order removed (order carries no meaning in the format)."""
    d = facts_to_data(facts)
    d["document"]["publishers"] = sorted(d["document"]["publishers"])
    for p in d["people"]:
        p["aliases"], p["roles"] = sorted(p["aliases"]), sorted(p["roles"])
    for o in d["organisations"]:
        o["aliases"] = sorted(o["aliases"])
    for e in d["events"]:
        for key in ("people", "provisions", "replaces"):
            if key in e:
                e[key] = sorted(e[key])
    for key in ("people", "organisations", "events"):
        d[key].sort(key=lambda item: json.dumps(item, sort_keys=True))
    return d


def test_every_gold_file_survives_the_round_trip(gold_files: list[Path]) -> None:
    store = EmbeddedStore(memory=True)
    originals = {}
    for path in gold_files:
        facts = read_facts(path)
        originals[facts.document.file] = canonical(facts)
        replace_document(store, facts_to_graph(facts))
    exported = {f.document.file: canonical(f) for f in read_all_facts(store)}
    assert exported.keys() == originals.keys()
    for name, original in originals.items():
        assert exported[name] == original, name


def test_same_input_gives_the_same_graph_byte_for_byte(gold_files: list[Path]) -> None:
    def nquads(path: Path) -> list[str]:
        graph = facts_to_graph(read_facts(path))
        return sorted(graph.serialize(format="nt").splitlines())

    for path in gold_files:
        assert nquads(path) == nquads(path)


def test_rebuilding_a_document_replaces_its_graph(gold_files: list[Path]) -> None:
    store = EmbeddedStore(memory=True)
    facts = read_facts(gold_files[0])
    first = replace_document(store, facts_to_graph(facts))
    replace_document(store, facts_to_graph(facts))
    assert len(store) == first
    facts.events = facts.events[:1]
    replace_document(store, facts_to_graph(facts))
    assert len(store) < first
    assert len(read_all_facts(store)[0].events) == 1


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("events: []\n", "document must be a mapping"),
        ("document: {publishers: []}\n", "document.file is required"),
        ("document: {file: a.txt}\nevents: [{type: kidnap}]\n", "events[0].type: 'kidnap' is not one of"),
        ("document: {file: a.txt}\nevents: [{type: arrest, date: 2016-13}]\n", "is not a date"),
        ("document: {file: a.txt}\npeople: [{name: X, kind: hero}]\n", "people[0].kind"),
        ("document: [unclosed\n", "not valid YAML"),
        ("document: {file: a.txt, published: 2019-02-30}\n", "not a real date"),
    ],
)
def test_bad_facts_files_name_the_file_and_the_field(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as info:
        read_facts(path)
    assert str(path) in str(info.value)
    assert problem in str(info.value)


def test_cli_build_and_export_facts(tmp_path: Path, gold_files: list[Path]) -> None:
    store, out = tmp_path / "store", tmp_path / "facts"
    cli = [sys.executable, "-m", "casegraph"]
    built = subprocess.run(
        [*cli, "build", "-q", "--store", str(store), *map(str, gold_files)], capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    assert "5 documents stored" in built.stdout
    exported = subprocess.run(
        [*cli, "export", "--store", str(store), "--format", "facts", "--out", str(out)], capture_output=True, text=True
    )
    assert exported.returncode == 0, exported.stderr
    assert sorted(p.name for p in out.glob("*.yaml")) == sorted(p.name for p in gold_files)
    for path in gold_files:
        assert canonical(read_facts(out / path.name)) == canonical(read_facts(path))


@pytest.mark.parametrize(("fmt", "rdflib_format"), [("trig", "trig"), ("nquads", "nquads"), ("jsonld", "json-ld")])
def test_cli_export_rdf_keeps_every_quad_with_its_graph(
    tmp_path: Path, gold_files: list[Path], fmt: str, rdflib_format: str
) -> None:
    from rdflib import Dataset

    store, out = tmp_path / "store", tmp_path / f"graph.{fmt}"
    cli = [sys.executable, "-m", "casegraph"]
    built = subprocess.run(
        [*cli, "build", "-q", "--store", str(store), *map(str, gold_files[:2])], capture_output=True, text=True
    )
    assert built.returncode == 0, built.stderr
    done = subprocess.run(
        [*cli, "export", "--store", str(store), "--format", fmt, "--out", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    expected = {
        (str(q.subject), str(q.predicate), str(q.object), str(q.graph))
        for q in EmbeddedStore(store, read_only=True).quads()
    }
    dataset = Dataset()
    dataset.parse(out, format=rdflib_format)
    got = {(s.n3(), p.n3(), o.n3(), g.n3()) for s, p, o, g in dataset.quads((None, None, None, None)) if g is not None}
    assert len(got) == len(expected)
    assert {quad[3] for quad in got} == {quad[3] for quad in expected}
