"""The rewrites the remote backend makes for Virtuoso's dialect (ingest.store.remote.virtuoso);
tests/test_store_contract.py checks on a real Virtuoso that the API then answers alike."""

from __future__ import annotations

from rdflib.plugins.sparql.parser import parseQuery

from ingest.store.remote.virtuoso import adapt
from ingest.store.sparql_text import bind
from ingest.store.terms import IRI, Literal

PATH = (
    "PREFIX owl: <http://www.w3.org/2002/07/owl#>\n"
    "SELECT DISTINCT ?iri ?member ?d WHERE {\n"
    "  ?iri (owl:sameAs|^owl:sameAs)* ?member .\n"
    "  BIND (EXISTS { ?member a ?type } AS ?d)\n"
    "}"
)


def test_a_bound_path_start_becomes_a_constant_bound_once_at_the_end() -> None:
    text, left = adapt(PATH, {"iri": IRI("https://example.org/x")})
    assert left == {}
    assert "<https://example.org/x> (owl:sameAs" in text
    assert text.rstrip().endswith("BIND (<https://example.org/x> AS ?iri)\n}")
    assert "SELECT DISTINCT ?iri" in text  # the projection keeps the variable
    parseQuery(text)


def test_exists_as_a_value_is_cast_to_a_boolean() -> None:
    text, _ = adapt(PATH, None)
    assert "BIND (<http://www.w3.org/2001/XMLSchema#boolean>(EXISTS { ?member a ?type }) AS ?d)" in text
    parseQuery(text)


def test_other_bindings_stay_values_blocks() -> None:
    query = "SELECT ?s WHERE { ?s <https://example.org/name> ?n FILTER (?n = ?wanted) }"
    text, left = adapt(query, {"wanted": Literal("Ann")})
    assert text == query and set(left) == {"wanted"}
    # A literal is never pasted in as a path start, and a query with a sub-SELECT is left alone.
    sub = "SELECT ?x WHERE { { SELECT ?x WHERE { ?x (<urn:p>)* ?y } } }"
    assert adapt(sub, {"x": IRI("urn:a")}) == (sub, {"x": IRI("urn:a")})
    assert "VALUES (?x)" in bind(sub, {"x": IRI("urn:a")})


def test_a_projected_term_test_is_cast_to_a_boolean() -> None:
    """Virtuoso answers `(isIRI(?o) AS ?oiri)` with 0 or 1, which the event readers took for
    false (a timeline answered 500 on Virtuoso)."""
    query = "SELECT ?o (isIRI(?o) AS ?oiri) (isLiteral( ?o ) AS ?lit) WHERE { ?s ?p ?o }"
    text, _ = adapt(query, None)
    assert "(<http://www.w3.org/2001/XMLSchema#boolean>(isIRI(?o)) AS ?oiri)" in text
    assert "(<http://www.w3.org/2001/XMLSchema#boolean>(isLiteral( ?o )) AS ?lit)" in text
    assert "FILTER (isIRI(?o))" in adapt("SELECT ?o WHERE { ?s ?p ?o FILTER (isIRI(?o)) }", None)[0]
    parseQuery(text)
