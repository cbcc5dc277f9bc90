"""ingest.validate: the contract the build relies on (validate_graph -> ValidationResult)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from ingest.errors import InputError
from ingest.pipeline import graph_for
from ingest.validate import shapes_graph, validate_graph, validate_with, warm_up

PARTNER = """
@prefix cg: <https://w3id.org/casegraph/ontology#> .
@prefix ex: <https://example.org/> .
ex:court a cg:Court .
"""


def parse(text: str) -> Graph:
    g = Graph()
    g.parse(data=text, format="turtle")
    return g


def test_results_are_plain_dicts_naming_focus_path_value_message_severity() -> None:
    result = validate_graph(parse(PARTNER))
    assert not result.conforms
    [row] = result.results
    assert row == {
        "focus": "https://example.org/court",
        "path": "http://www.w3.org/2000/01/rdf-schema#label",
        "value": None,
        "message": "This person, organisation or agent has no name: add rdfs:label with the name the source uses.",
        "severity": "Violation",
        "shape": "https://w3id.org/casegraph/shapes#AgentShape",
        "component": "http://www.w3.org/ns/shacl#MinCountConstraintComponent",
    }
    assert "MinCountConstraintComponent" in result.report_text


def test_subclass_targeting_comes_from_the_mixed_in_ontology() -> None:
    # Without the ontology, nothing says a cg:Court is a cg:Agent, so the agent shape is blind.
    assert validate_with(parse(PARTNER), shapes_graph(), ontology=Graph()).conforms
    assert not validate_graph(parse(PARTNER)).conforms


def test_an_empty_graph_conforms() -> None:
    result = validate_graph(Graph())
    assert result.conforms and result.results == []


def test_the_build_refuses_a_curated_file_that_breaks_a_shape(tmp_path: Path) -> None:
    facts = tmp_path / "zarnia-2020.yaml"
    facts.write_text(
        "document: {file: zarnia-2020.txt}\n"
        "people: [{name: Oren Talvik, kind: defender}]\n"
        "events:\n"
        "  - {type: transfer, people: [Oren Talvik], date: 2020-04-02, from: Hollin prison}\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as info:
        graph_for(facts)
    assert "does not conform" in str(info.value)
    assert "no destination" in str(info.value)


def test_warm_up_runs_and_leaves_validation_working() -> None:
    warm_up()
    assert not validate_graph(parse(PARTNER)).conforms
