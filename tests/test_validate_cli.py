"""`casegraph validate`: exit codes 0/1/2, every RDF syntax, report formats, --shapes, and the
attacks it must refuse without touching the network."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS, RDF, SH

from casegraph.cli import main
from ingest.safe_rdf import NetworkRefused, offline, read_rdf

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "ontology" / "examples" / "veloria-case.trig"
CG = "https://w3id.org/casegraph/ontology#"

BROKEN_TTL = """
@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:doc a cg:Document ; cg:fileName "a.txt" ; cg:extraction cg:Curated .
ex:p a cg:Person ; rdfs:label "Tamsin Okoro" .
ex:t a cg:LegalEvent, cg:Transfer ; cg:subject ex:p ; cg:source ex:doc ; cg:status cg:Occurred .
"""
WARNING_ONLY_TTL = """
@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix ex: <https://example.org/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:doc a cg:Document ; cg:fileName "a.txt" ; cg:extraction cg:Curated .
ex:p a cg:Person ; rdfs:label "Tamsin Okoro" .
ex:c a cg:LegalEvent, cg:Charge ; cg:subject ex:p ; cg:source ex:doc ; cg:status cg:Occurred .
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["validate", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


# --- exit codes ---------------------------------------------------------------------------


def test_conforming_file_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(EXAMPLE))
    assert code == 0
    assert f"{EXAMPLE}: conforms" in out


def test_violations_exit_1_and_name_focus_path_and_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "broken.ttl", BROKEN_TTL)
    code, out, _ = run(capsys, "--format", "json", str(path))
    assert code == 1
    report = json.loads(out)
    assert report["conforms"] is False
    [result] = report["files"][0]["results"]
    assert result["focus"] == "https://example.org/t"
    assert result["path"] == CG + "toLocation"
    assert result["severity"] == "Violation"
    assert "no destination" in result["message"]
    assert set(result) >= {"focus", "path", "value", "message", "severity"}


def test_warnings_alone_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "warn.ttl", WARNING_ONLY_TTL)
    code, out, _ = run(capsys, str(path))
    assert code == 0
    assert "conforms (0 violations, 1 warning)" in out
    assert "Warning: This charge names no provision" in out


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("missing.ttl", None, "cannot read"),
        ("data.csv", "a,b\n", "unknown RDF format"),
        ("broken.ttl", "@prefix cg: <x> .\ncg:a cg:b", "cannot parse as turtle"),
        ("broken.nq", "<a> <b> .\n", "cannot parse as nquads"),
        ("broken.jsonld", "{not json", "not valid JSON"),
        ("broken.rdf", "<rdf:RDF", "not well-formed XML"),
    ],
)
def test_unusable_input_exits_2_with_one_line_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str | None, problem: str
) -> None:
    path = tmp_path / name if content is None else write(tmp_path, name, content)
    code, _, err = run(capsys, str(path))
    assert code == 2
    [line] = err.strip().splitlines()
    assert str(path) in line and problem in line


@pytest.mark.parametrize(
    ("name", "content", "line", "column", "reason"),
    [
        ("bad.ttl", "@prefix cg: <https://x.org/> .\ncg:a cg:b", 2, 10, "end of file"),
        ("bad2.ttl", "@prefix cg: <https://x.org/> .\ncg:a cg:b ;; .\n", 2, 10, "objectList expected"),
        ("bad.trig", "<https://x.org/g> {\n  <https://x.org/a> <https://x.org/b> ;; }", 2, 38, "expected"),
        ("rel.ttl", "@prefix cg: <https://x.org/> .\n\n  cg:a cg:b <rel> .", 3, 13, "relative IRI <rel>"),
        (
            "bad.nt",
            "<https://x.org/a> <https://x.org/b> <https://x.org/c> .\n<https://x.org/a> <https://x.org/b> .\n",
            2,
            37,
            "invalid line",
        ),
        (
            "bad.nq",
            "<https://x.org/a> <https://x.org/b> <https://x.org/c> <https://x.org/g> <x .\n",
            1,
            73,
            "invalid line",
        ),
        ("bad.jsonld", '{\n  "@id": "https://x.org/a",\n  "https://x.org/b": [1, 2,]\n}', 3, 28, "Expecting value"),
        (
            "bad.rdf",
            '<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            "  <rdf:Description></rdf:RDF>",
            3,
            22,
            "mismatched tag",
        ),
    ],
)
def test_parse_errors_give_reason_line_and_column_once_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, line: int, column: int, reason: str
) -> None:
    path = write(tmp_path, name, content)
    code, out, err = run(capsys, str(path))
    assert code == 2
    [message] = err.strip().splitlines()
    assert message.startswith(f"casegraph validate: {path}:{line}:{column}: ")
    assert reason in message
    assert str(path) not in out  # once: the report on stdout only counts it
    code, out, _ = run(capsys, "--format", "json", str(path))
    [entry] = json.loads(out)["files"]
    assert (entry["usable"], entry["line"], entry["column"]) == (False, line, column)
    assert reason in entry["reason"] and entry["reason"] in entry["error"]


def test_deeply_nested_jsonld_exits_2_with_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deep = '{"@id": "https://x.org/a", "https://x.org/b": ' + "[" * 5000 + "1" + "]" * 5000 + "}"
    code, _, err = run(capsys, str(write(tmp_path, "deep.jsonld", deep)))
    assert code == 2
    [message] = err.strip().splitlines()
    assert "nested more than" in message and "Traceback" not in err


def test_size_limits_refuse_big_files_before_validating(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = "".join(f"<https://x.org/s{i}> <https://x.org/p> <https://x.org/o> .\n" for i in range(30))
    path = write(tmp_path, "many.nt", lines)
    code, _, err = run(capsys, "--max-triples", "20", str(path))
    assert code == 2 and "30 triples, more than the 20 limit" in err
    big = write(tmp_path, "big.nt", lines * 20_000)  # about 1.6 MB
    code, _, err = run(capsys, "--max-mb", "1", str(big))
    assert code == 2 and "more than the 1 MB limit" in err


def test_big_files_report_progress_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from casegraph.commands import validate

    monkeypatch.setattr(validate, "PROGRESS_TRIPLES", 10)
    lines = "".join(f"<https://x.org/s{i}> <https://x.org/p> <https://x.org/o> .\n" for i in range(30))
    code, _, err = run(capsys, str(write(tmp_path, "many.nt", lines)))
    assert code == 0 and "validating 30 triples" in err


def test_one_unusable_file_does_not_hide_the_others(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = write(tmp_path, "broken.ttl", BROKEN_TTL)
    code, out, _ = run(capsys, str(tmp_path / "missing.ttl"), str(broken))
    assert code == 2
    assert f"{broken}: does not conform" in out


def test_input_format_overrides_the_suffix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "facts.txt", BROKEN_TTL)
    assert run(capsys, str(path))[0] == 2
    assert run(capsys, "--input-format", "turtle", str(path))[0] == 1


# --- every RDF syntax ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "fmt"), [(".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld"), (".rdf", "xml")]
)
def test_triple_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, fmt: str) -> None:
    example = read_rdf(EXAMPLE)
    good = write(tmp_path, "good" + suffix, example.serialize(format=fmt))
    assert run(capsys, str(good))[0] == 0
    broken = Graph()
    broken.parse(data=BROKEN_TTL, format="turtle")
    bad = write(tmp_path, "bad" + suffix, broken.serialize(format=fmt))
    assert run(capsys, str(bad))[0] == 1


@pytest.mark.parametrize(("suffix", "fmt"), [(".trig", "trig"), (".nq", "nquads")])
def test_quad_formats_validate_the_union_of_their_graphs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, fmt: str
) -> None:
    dataset = Dataset()
    dataset.parse(EXAMPLE, format="trig")
    good = write(tmp_path, "good" + suffix, dataset.serialize(format=fmt))
    assert run(capsys, str(good))[0] == 0
    broken = Dataset()
    broken.graph(URIRef("https://example.org/graph/a")).parse(data=BROKEN_TTL, format="turtle")
    bad = write(tmp_path, "bad" + suffix, broken.serialize(format=fmt))
    code, out, _ = run(capsys, str(bad))
    assert code == 1 and "no destination" in out


# --- reports and extra shapes -------------------------------------------------------------


def test_turtle_report_is_a_shacl_report_per_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    broken = write(tmp_path, "broken.ttl", BROKEN_TTL)
    code, out, _ = run(capsys, "--format", "turtle", str(broken), str(EXAMPLE))
    assert code == 1
    report = Graph()
    report.parse(data=out, format="turtle")
    reports = {str(report.value(r, DCTERMS.source)): r for r in report.subjects(RDF.type, SH.ValidationReport)}
    assert set(reports) == {str(broken), str(EXAMPLE)}
    assert report.value(reports[str(broken)], SH.conforms).toPython() is False  # type: ignore[union-attr]
    focus = {str(report.value(r, SH.focusNode)) for r in report.objects(reports[str(broken)], SH.result)}
    assert focus == {"https://example.org/t"}


def test_extra_shapes_add_to_the_built_in_ones(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shapes = write(
        tmp_path,
        "ours.ttl",
        """
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix cg: <https://w3id.org/casegraph/ontology#> .
        <https://partner.example/DocumentHasUrl> a sh:NodeShape ; sh:targetClass cg:Document ;
            sh:property [ sh:path <https://schema.org/url> ; sh:minCount 1 ;
                          sh:message "Partner rule: every document needs its source URL." ] .
        """,
    )
    code, out, _ = run(capsys, "--shapes", str(shapes), str(EXAMPLE))
    assert code == 1
    assert "Partner rule: every document needs its source URL." in out
    assert run(capsys, "--shapes", str(tmp_path / "missing.ttl"), str(EXAMPLE))[0] == 2


def test_the_console_script_runs(tmp_path: Path) -> None:
    broken = write(tmp_path, "broken.ttl", BROKEN_TTL)
    done = subprocess.run([sys.executable, "-m", "casegraph", "validate", str(broken)], capture_output=True, text=True)
    assert done.returncode == 1
    assert "no destination" in done.stdout


# --- attacks: refused, and nothing is fetched ---------------------------------------------


class Listener:
    """A real local TCP server that records every connection; validation must make none."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/context.jsonld"

    def _serve(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.stop.set()
        self.thread.join()
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
  <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
  <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
  <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
  <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
  <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="https://example.org/x"><rdfs:label>&lol9;</rdfs:label></rdf:Description>
</rdf:RDF>
"""


def external_entity(url: str) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [ <!ENTITY ext SYSTEM "{url}"> ]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#">
  <rdf:Description rdf:about="https://example.org/x"><rdfs:label>&ext;</rdfs:label></rdf:Description>
</rdf:RDF>
"""


def test_billion_laughs_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "lol.rdf", BILLION_LAUGHS)
    code, _, err = run(capsys, str(path))
    assert code == 2
    assert "DOCTYPE" in err and str(path) in err


def test_billion_laughs_in_utf16_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = BILLION_LAUGHS.replace('<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-16"?>')
    path = write(tmp_path, "lol16.rdf", text.encode("utf-16"))
    assert run(capsys, str(path))[0] == 2


def test_external_entity_is_refused_without_fetching(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], listener: Listener
) -> None:
    path = write(tmp_path, "xxe.rdf", external_entity(listener.url))
    assert run(capsys, "--input-format", "xml", str(path))[0] == 2
    assert listener.connections == 0


def test_remote_jsonld_context_is_refused_without_fetching(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], listener: Listener
) -> None:
    documents = {
        "top.jsonld": {"@context": listener.url, "@id": "https://example.org/x", "name": "X"},
        "listed.jsonld": {"@context": [{"ex": "https://example.org/"}, listener.url], "@id": "ex:x"},
        "scoped.jsonld": {"@context": {"knows": {"@id": "https://example.org/knows", "@context": listener.url}}},
        "imported.jsonld": {"@context": {"@version": 1.1, "@import": listener.url}, "@id": "https://example.org/x"},
    }
    for name, document in documents.items():
        path = write(tmp_path, name, json.dumps(document))
        code, _, err = run(capsys, str(path))
        assert code == 2, name
        assert "contexts are never fetched" in err
    assert listener.connections == 0


def test_owl_imports_are_not_followed(tmp_path: Path, capsys: pytest.CaptureFixture[str], listener: Listener) -> None:
    example = read_rdf(EXAMPLE)
    example.add(
        (
            URIRef("https://example.org/ontology"),
            URIRef("http://www.w3.org/2002/07/owl#imports"),
            URIRef(listener.url),
        )
    )
    path = write(tmp_path, "imports.ttl", example.serialize(format="turtle"))
    assert run(capsys, str(path))[0] == 0
    shapes = write(
        tmp_path, "shapes.ttl", f"<https://example.org/s> <http://www.w3.org/2002/07/owl#imports> <{listener.url}> ."
    )
    assert run(capsys, "--shapes", str(shapes), str(path))[0] == 0
    assert listener.connections == 0


@pytest.mark.parametrize(
    ("query", "expected_code"),
    [
        ("SELECT $this WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}", 2),  # pyshacl refuses SERVICE
        ("SELECT $this FROM <{url}> WHERE {{ ?s ?p ?o }}", 1),  # FROM is not loaded: runs locally
    ],
)
def test_sparql_in_extra_shapes_cannot_reach_the_network(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], listener: Listener, query: str, expected_code: int
) -> None:
    select = query.format(url=listener.url)
    shapes = write(
        tmp_path,
        "remote.ttl",
        f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix cg: <https://w3id.org/casegraph/ontology#> .
        <https://partner.example/Phone> a sh:NodeShape ; sh:targetClass cg:Document ;
            sh:sparql [ sh:message "phoned home" ; sh:select "{select}" ] .
        """,
    )
    code, _, err = run(capsys, "--shapes", str(shapes), str(EXAMPLE))
    assert code == expected_code
    if code == 2:
        [line] = err.strip().splitlines()
        assert str(EXAMPLE) in line and "SERVICE" in line
    assert listener.connections == 0


def test_offline_guard_refuses_connections_only_inside_it(listener: Listener) -> None:
    with offline(), pytest.raises(NetworkRefused):
        socket.create_connection(("127.0.0.1", listener.port), timeout=5)
    assert listener.connections == 0
    with socket.create_connection(("127.0.0.1", listener.port), timeout=5):
        pass
