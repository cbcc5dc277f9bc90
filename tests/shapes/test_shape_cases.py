"""The shapes, tested as data: every file in cases/ is a small graph (added to base.ttl unless
it says `base: false`) and the exact set of results it must produce. A broken case passes only
if it fails for the reason it was written for, and for nothing else."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from rdflib import Graph

from ingest.facts_yaml import read_facts
from ingest.rdf import facts_to_graph
from ingest.validate import validate_graph

HERE = Path(__file__).parent
CASES = sorted((HERE / "cases").glob("*.yaml"))
PREFIXES = (HERE / "prefixes.ttl").read_text(encoding="utf-8")
BASE = (HERE / "base.ttl").read_text(encoding="utf-8")
SH = "http://www.w3.org/ns/shacl#"
NAMES = Graph()
NAMES.parse(data=PREFIXES + "@prefix cgsh: <https://w3id.org/casegraph/shapes#> .\n", format="turtle")


def case_graph(case: dict[str, Any]) -> Graph:
    g = Graph()
    g.parse(data=PREFIXES + (BASE if case.get("base", True) else "") + case["data"], format="turtle")
    return g


def expand(field: str, text: str) -> str:
    """Compact names in a case file (ex:t, cg:toLocation, MinCountConstraintComponent) as the
    validation results spell them."""
    if field == "component":
        return SH + text
    if field == "value" and text.startswith('"'):
        return text  # a literal, written as the results render it
    if field in ("focus", "path", "value", "shape"):
        return str(NAMES.namespace_manager.expand_curie(text))
    return text


def matches(expected: dict[str, str], actual: dict[str, str | None]) -> bool:
    for field, text in expected.items():
        want = expand(field, text)
        got = actual.get(field) or ""
        if field == "message" and want not in got:
            return False
        if field != "message" and want != got:
            return False
    return True


def load(path: Path) -> dict[str, Any]:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(case) <= {"reason", "data", "expect", "base"}, f"{path.name}: unknown keys"
    assert case.get("reason") and case.get("data") is not None, f"{path.name}: needs reason and data"
    for item in case["expect"]:
        item.setdefault("severity", "Violation")
    return case


def test_there_are_at_least_twenty_broken_graph_cases() -> None:
    broken = [p for p in CASES if any(e["severity"] == "Violation" for e in load(p)["expect"])]
    assert len(broken) >= 20


def test_the_base_graph_conforms_without_warnings() -> None:
    result = validate_graph(case_graph({"data": ""}))
    assert result.results == [], result.report_text


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_case_gives_exactly_the_expected_results(path: Path) -> None:
    case = load(path)
    result = validate_graph(case_graph(case))
    expected: list[dict[str, str]] = case["expect"]
    unexpected = [a for a in result.results if not any(matches(e, a) for e in expected)]
    missing = [e for e in expected if not any(matches(e, a) for a in result.results)]
    assert not unexpected and not missing, f"{path.name}\nunexpected: {unexpected}\nmissing: {missing}"
    assert result.conforms == (not any(e["severity"] == "Violation" for e in expected))
    for actual in result.results:
        assert actual["message"], "every result carries a message a person can act on"


@pytest.fixture(scope="module")
def gold_graphs(gold_files: list[Path]) -> list[Graph]:
    return [facts_to_graph(read_facts(p)) for p in gold_files]


def test_graphs_built_from_the_gold_facts_conform(gold_files: list[Path]) -> None:
    for path in gold_files:
        result = validate_graph(facts_to_graph(read_facts(path)))
        assert result.conforms, f"{path.name}:\n{result.report_text}"
        assert all(r["severity"] == "Warning" for r in result.results)


def test_validation_does_not_change_the_graph(gold_files: list[Path]) -> None:
    graph = facts_to_graph(read_facts(gold_files[0]))
    before = set(graph)
    validate_graph(graph)
    assert set(graph) == before
