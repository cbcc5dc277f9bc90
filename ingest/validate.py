"""SHACL validation of graphs against shapes/ with the ontology from ontology/.

The ontology (for a document graph, only its class hierarchy) is mixed into (a copy of) the
data graph, so `sh:targetClass` and `sh:class` follow `rdfs:subClassOf`: data that asserts
only `cg:Court` is still checked by the organisation and agent shapes. Warnings
(`sh:Warning`) are reported but do not make a graph fail: only violations do.
`benchmarks/validate.py` prints the time per document graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import pyshacl
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, XSD
from rdflib.plugins.sparql import prepareQuery
from rdflib.plugins.sparql.sparql import Query
from rdflib.term import Node

from ingest.bundled import ONTOLOGY_DIR, SHAPES_DIR

ROOT = Path(__file__).resolve().parent.parent

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


class ShapesError(RuntimeError):
    """Validation could not run: a shape is broken or one of its queries failed."""


@dataclass
class ValidationResult:
    """`conforms` is False only when there is at least one violation; `results` lists every
    result (violations, warnings, infos) as plain strings: focus, path, value, message,
    severity, shape and component."""

    conforms: bool
    report_text: str = ""
    results: list[dict[str, str | None]] = field(default_factory=list)
    report_graph: Graph | None = None

    @property
    def violations(self) -> list[dict[str, str | None]]:
        return [r for r in self.results if r["severity"] == "Violation"]

    @property
    def warnings(self) -> list[dict[str, str | None]]:
        return [r for r in self.results if r["severity"] != "Violation"]


def _parse_dir(directory: Path) -> Graph:
    paths = sorted(directory.glob("*.ttl"))
    if not paths:
        # Validating against no shapes would pass everything: refuse instead.
        raise FileNotFoundError(f"no *.ttl files in {directory}: the CaseGraph ontology and shapes are missing")
    g = Graph()
    for path in paths:
        g.parse(path, format="turtle")
    return g


@cache
def ontology_graph() -> Graph:
    """Every ontology/*.ttl file (examples/ and checks/ are not part of the ontology)."""
    return _parse_dir(ONTOLOGY_DIR)


@cache
def class_hierarchy() -> Graph:
    """The ontology's rdfs:subClassOf triples: all that subclass-aware targeting needs. A
    document graph is validated with these alone: mixing in the whole ontology (labels,
    comments, domains, its own SKOS individuals, which the shapes then validate again in
    every document) made validation about a third slower and found nothing more."""
    g = Graph()
    for triple in ontology_graph().triples((None, RDFS.subClassOf, None)):
        g.add(triple)
    return g


@cache
def shapes_graph() -> Graph:
    """Every shapes/*.ttl file."""
    return _parse_dir(SHAPES_DIR)


_LITERAL_NAMES = Graph(bind_namespaces="none")
_LITERAL_NAMES.bind("xsd", XSD)


def render(term: Node | None) -> str | None:
    """A term as a person reads it, the same on every machine: IRIs bare, literals in
    N-Triples form with XSD datatypes shortened (`"2016-13"^^xsd:gYearMonth`)."""
    if term is None:
        return None
    if isinstance(term, URIRef):
        return str(term)
    if isinstance(term, Literal):
        return term.n3(_LITERAL_NAMES.namespace_manager)
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term)


def _owning_shape(shape: Node | None, shapes: Graph | None) -> Node | None:
    """The named shape a result comes from: property shapes are blank nodes, so name the
    node shape that holds them (cgsh:TransferShape rather than _:b42)."""
    if shapes is None or not isinstance(shape, BNode):
        return shape
    parent = shapes.value(predicate=SH.property, object=shape)
    return parent if parent is not None else shape


def results_of(report: Graph, shapes: Graph | None = None) -> list[dict[str, str | None]]:
    """The validation results of a pyshacl report graph, in a stable order."""
    rows: list[dict[str, str | None]] = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        messages = sorted(str(m) for m in report.objects(result, SH.resultMessage))
        severity = report.value(result, SH.resultSeverity)
        path = report.value(result, SH.resultPath)
        rows.append(
            {
                "focus": render(report.value(result, SH.focusNode)),
                "path": render(path) if not isinstance(path, BNode) else "(complex path)",
                "value": render(report.value(result, SH.value)),
                "message": " / ".join(messages) or None,
                "severity": SEVERITY_NAMES.get(severity, str(severity)) if isinstance(severity, URIRef) else None,
                "shape": render(_owning_shape(report.value(result, SH.sourceShape), shapes)),
                "component": render(report.value(result, SH.sourceConstraintComponent)),
            }
        )
    rows.sort(key=lambda r: (r["severity"] != "Violation", r["focus"] or "", r["path"] or "", r["message"] or ""))
    return rows


@lru_cache(maxsize=512)
def _prepared(text: str, namespaces: frozenset[tuple[str, str]]) -> Query:
    return prepareQuery(text, initNs=dict(namespaces))


class _WorkGraph(Graph):
    """The graph pyshacl validates: data + ontology, with SPARQL queries parsed once per
    process. pyshacl hands every SPARQL constraint to rdflib as text, once per focus node,
    and parsing (not evaluating) was about 60% of the time per document graph."""

    def query(  # type: ignore[override]
        self,
        query_object: Any,
        processor: Any = "sparql",
        result: Any = "sparql",
        initNs: Any = None,  # rdflib's parameter names
        initBindings: Any = None,
        use_store_provided: bool = True,
        **kwargs: Any,
    ) -> Any:
        if isinstance(query_object, str) and processor == "sparql" and not initNs:
            namespaces = frozenset((prefix, str(ns)) for prefix, ns in self.namespaces())
            query_object = _prepared(query_object, namespaces)
        return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)


def validate_with(data: Graph, shapes: Graph, ontology: Graph | None = None) -> ValidationResult:
    """Validate `data` against `shapes`, with `ontology` mixed in for subclass-aware
    targeting. Never follows owl:imports and never fetches anything. `data` is not changed."""
    work = _WorkGraph(identifier=data.identifier)
    for prefix, ns in data.namespaces():
        work.bind(prefix, ns, override=False)
    work += data
    # Mixing the ontology in here (rather than pyshacl's ont_graph, which clones the data
    # graph first) gives sh:targetClass and sh:class their rdfs:subClassOf closure.
    work += ontology if ontology is not None else ontology_graph()
    _conforms, report, text = pyshacl.validate(
        work,
        shacl_graph=shapes,
        inference="none",
        advanced=True,
        inplace=True,
        allow_warnings=True,
        allow_infos=True,
        do_owl_imports=False,
    )
    if not isinstance(report, Graph):
        # pyshacl reports a broken shape or a failing SPARQL query as text instead of raising.
        raise ShapesError(" ".join(str(text).split())[:500])
    results = results_of(report, shapes)
    conforms = not any(r["severity"] == "Violation" for r in results)
    return ValidationResult(conforms=conforms, report_text=str(text), results=results, report_graph=report)


def validate_graph(data: Graph) -> ValidationResult:
    """Validate one document graph against the project's shapes and class hierarchy."""
    return validate_with(data, shapes_graph(), class_hierarchy())


def warm_up() -> None:
    """Parse the shapes and the ontology and prepare their SPARQL queries, so a new worker's
    first document does not pay for it (about 0.5 s). Validating the worked example
    exercises the SPARQL constraints; without it (an installed copy), the files are parsed."""
    examples = sorted((ROOT / "ontology" / "examples").glob("*.trig"))
    if not examples:
        validate_graph(Graph())
        return
    from ingest.safe_rdf import read_rdf

    for path in examples:
        validate_graph(read_rdf(path))
