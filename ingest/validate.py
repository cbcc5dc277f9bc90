"""SHACL validation of graphs against shapes/ with the ontology from ontology/."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyshacl
from rdflib import Graph

ROOT = Path(__file__).resolve().parent.parent
ONTOLOGY_DIR = ROOT / "ontology"
SHAPES_DIR = ROOT / "shapes"


@dataclass
class ValidationResult:
    conforms: bool
    report_text: str = ""
    results: list[dict[str, str | None]] = field(default_factory=list)


@cache
def ontology_graph() -> Graph:
    g = Graph()
    for path in sorted(ONTOLOGY_DIR.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


@cache
def shapes_graph() -> Graph:
    g = Graph()
    for path in sorted(SHAPES_DIR.glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


def validate_graph(data: Graph) -> ValidationResult:
    conforms, _report, text = pyshacl.validate(
        data, shacl_graph=shapes_graph(), ont_graph=ontology_graph(), inference="none", advanced=True
    )
    return ValidationResult(conforms=bool(conforms), report_text=str(text))
