"""casegraph load: RDF dataset files into a store as they are."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from casegraph.cli import main
from ingest.store.embedded import EmbeddedStore
from tests.serving import PROTOCOL_DATA

NQUADS = '<urn:x:s> <urn:x:p> "in g" <urn:x:g> .\n<urn:x:s> <urn:x:p> "default" .\n'
TURTLE = '@prefix x: <urn:x:> .\nx:t x:p "from turtle" .\n'


def contents(store_path: Path) -> set[tuple[str, str]]:
    store = EmbeddedStore(store_path, read_only=True)
    try:
        return {(str(q.object.value), str(getattr(q.graph, "value", ""))) for q in store.quads()}
    finally:
        store.close()


def test_load_keeps_graph_names_and_puts_triples_in_the_default_graph(tmp_path: Path, capsys) -> None:
    nq = tmp_path / "a.nq"
    nq.write_text(NQUADS)
    ttl = tmp_path / "b.ttl"
    ttl.write_text(TURTLE)
    store = tmp_path / "store"
    assert main(["load", "--store", str(store), str(nq), str(ttl)]) == 0
    assert "2 of 2 files loaded, 3 quads added" in capsys.readouterr().out
    assert contents(store) == {("in g", "urn:x:g"), ("default", ""), ("from turtle", "")}


def test_load_trig_keeps_its_named_graphs(tmp_path: Path) -> None:
    store = tmp_path / "store"
    assert main(["load", "--store", str(store), str(PROTOCOL_DATA)]) == 0
    q = EmbeddedStore(store, read_only=True)
    try:
        assert q.named_graphs() == [f"urn:x-w3c-protocol:data{i}.rdf" for i in (1, 2, 3)]
    finally:
        q.close()


@pytest.mark.parametrize(
    ("name", "text", "problem"),
    [
        ("broken.nt", "<urn:x:s> <urn:x:p> .\n", "broken.nt: Parser error at line 2"),
        ("data.rdfx", "<urn:x:s> <urn:x:p> <urn:x:o> .\n", "data.rdfx: unknown RDF format"),
    ],
)
def test_a_bad_file_is_named_and_adds_nothing(tmp_path: Path, capsys, name: str, text: str, problem: str) -> None:
    good = tmp_path / "good.nq"
    good.write_text(NQUADS)
    bad = tmp_path / name
    # a valid first line before the broken one: the file is loaded all or nothing
    bad.write_text("<urn:x:ok> <urn:x:p> <urn:x:o> .\n" + text)
    store = tmp_path / "store"
    assert main(["load", "--store", str(store), str(bad), str(good)]) == 1
    err = capsys.readouterr().err
    assert problem in err
    assert contents(store) == {("in g", "urn:x:g"), ("default", "")}


def test_missing_files_only_is_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["load", "--store", str(tmp_path / "s"), str(tmp_path / "nope.trig")]) == 2
    assert "nope.trig: no such file" in capsys.readouterr().err


def test_load_into_a_store_in_use_is_a_clear_error(tmp_path: Path, capsys) -> None:
    store = tmp_path / "store"
    good = tmp_path / "good.nq"
    good.write_text(NQUADS)
    # another process holds the store read-write until we close its stdin
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from ingest.store import connect; s = connect({str(store)!r}); print('ok', flush=True); input()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "ok"
        assert main(["load", "--store", str(store), str(good)]) == 2
        assert "in use by another process" in capsys.readouterr().err
    finally:
        holder.communicate("\n", timeout=30)
