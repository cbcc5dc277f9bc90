"""The ontology and the shapes, checked as data: each ontology/checks/*.rq must return no rows
over ontology/*.ttl + shapes/*.ttl + the checks' own data, and must find the problem it was
written for in a broken addition (tests/ontology_checks/<check>.ttl)."""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ingest.facts_yaml import read_facts
from ingest.rdf import facts_to_graph
from ingest.safe_rdf import read_rdf
from ingest.validate import validate_graph
from ingest.vocab import CG, EVENT_CLASS, ORGANISATION_CLASS, OUTCOME, PERSON_KIND, STATUS

ROOT = Path(__file__).resolve().parent.parent
CHECKS = sorted((ROOT / "ontology" / "checks").glob("*.rq"))
BROKEN = Path(__file__).parent / "ontology_checks"
EXAMPLES = sorted((ROOT / "ontology" / "examples").glob("*.trig"))


MODEL_FILES = ("ontology/*.ttl", "shapes/*.ttl", "ontology/checks/*.ttl")


def model(*extra: Path) -> ox.Store:
    """The ontology, the shapes and the checks' data (exemptions) in one default graph; the
    checks run in Oxigraph because rdflib takes seconds on their property paths."""
    store = ox.Store()
    paths = [p for pattern in MODEL_FILES for p in sorted(ROOT.glob(pattern))] + list(extra)
    for path in paths:
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    return store


def rdflib_model() -> Graph:
    g = Graph()
    for path in (p for pattern in MODEL_FILES for p in sorted(ROOT.glob(pattern))):
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def union() -> ox.Store:
    return model()


def rows(store: ox.Store, check: Path) -> list[tuple[str, str]]:
    solutions = store.query(check.read_text(encoding="utf-8"))
    assert isinstance(solutions, ox.QuerySolutions)
    return sorted((str(s["term"].value), str(s["problem"].value)) for s in solutions)  # type: ignore[union-attr]


@pytest.mark.parametrize("check", CHECKS, ids=[c.stem for c in CHECKS])
def test_check_finds_nothing(union: ox.Store, check: Path) -> None:
    found = rows(union, check)
    assert found == [], "\n".join(f"{term}: {problem}" for term, problem in found)


@pytest.mark.parametrize("check", CHECKS, ids=[c.stem for c in CHECKS])
def test_check_finds_the_problem_it_was_written_for(check: Path) -> None:
    broken = BROKEN / f"{check.stem}.ttl"
    assert broken.exists(), f"write a broken example for {check.name} in {broken}"
    found = rows(model(broken), check)
    assert found, f"{check.name} did not notice {broken.name}"
    # ...and only that: every row is about the broken addition
    assert all(
        "broken" in (term + problem).lower() or term.startswith("https://example.org/") for term, problem in found
    ), found


def test_every_term_the_rdf_layout_writes_is_declared(gold_files: list[Path]) -> None:
    union = rdflib_model()
    used = {
        str(t)
        for t in (
            *EVENT_CLASS.values(),
            *ORGANISATION_CLASS.values(),
            *PERSON_KIND.values(),
            *OUTCOME.values(),
            *STATUS.values(),
            CG.Curated,
            CG.Automatic,
        )
    }
    for path in gold_files:
        for triple in facts_to_graph(read_facts(path)):
            used |= {str(t) for t in triple if isinstance(t, URIRef) and str(t).startswith(str(CG))}
    undeclared = sorted(t for t in used if (URIRef(t), RDF.type, None) not in union)
    assert undeclared == []


def test_the_worked_example_conforms() -> None:
    assert EXAMPLES, "ontology/examples/ holds at least one worked case"
    for path in EXAMPLES:
        data = read_rdf(path)
        assert len(data) > 100
        result = validate_graph(data)
        assert result.conforms and result.results == [], f"{path.name}:\n{result.report_text}"


def test_the_worked_example_quotes_match_the_offsets() -> None:
    query = """
        PREFIX oa: <http://www.w3.org/ns/oa#>
        PREFIX schema: <https://schema.org/>
        SELECT ?text ?exact ?start ?end WHERE {
            ?target oa:hasSource ?doc ; oa:hasSelector ?q, ?p .
            ?doc schema:text ?text . ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end .
        }"""
    for path in EXAMPLES:
        found = list(read_rdf(path).query(query))
        assert found
        for text, exact, start, end in found:  # type: ignore[misc]
            assert str(text)[int(start) : int(end)] == str(exact)


def test_every_cg_term_in_the_code_and_queries_is_declared() -> None:
    """`CG.name` in Python and `cg:name` in SPARQL files under ingest/ and api/."""
    union = rdflib_model()
    used: dict[str, set[str]] = {}
    sources = [*ROOT.glob("ingest/**/*.py"), *ROOT.glob("api/**/*.py")]
    queries = [*ROOT.glob("ingest/**/*.rq"), *ROOT.glob("api/**/*.rq")]
    for path, pattern in [(p, r"\bCG\.(\w+)") for p in sources] + [(p, r"\bcg:(\w+)") for p in queries]:
        for name in re.findall(pattern, path.read_text(encoding="utf-8")):
            used.setdefault(name, set()).add(str(path.relative_to(ROOT)))
    undeclared = {name: sorted(where) for name, where in used.items() if (CG[name], RDF.type, None) not in union}
    assert undeclared == {}
