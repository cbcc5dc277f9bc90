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


def test_a_bound_path_start_is_bound_with_bind_not_values() -> None:
    """Virtuoso takes no VALUES row as the start of a transitive path (in a sub-SELECT the path
    then ran from every start: a person page listed everyone); a BIND where the VALUES block
    would go is the same join, and Virtuoso starts the path there."""
    text = adapt(PATH, {"iri": IRI("https://example.org/x")})
    assert "VALUES" not in text
    assert "WHERE { BIND (<https://example.org/x> AS ?iri)" in text
    assert "?iri (owl:sameAs" in text and "SELECT DISTINCT ?iri" in text
    parseQuery(text)
    sub = "SELECT ?x ?y WHERE { { SELECT ?x ?y WHERE { ?x (<urn:p>)* ?y } } ?y <urn:q> ?z }"
    text = adapt(sub, {"x": IRI("urn:a")})
    assert text.count("BIND (<urn:a> AS ?x)") == 2 and "VALUES" not in text  # the sub-SELECT too
    parseQuery(text)


def test_exists_as_a_value_is_cast_to_a_boolean() -> None:
    text = adapt(PATH, None)
    assert "BIND (<http://www.w3.org/2001/XMLSchema#boolean>(EXISTS { ?member a ?type }) AS ?d)" in text
    parseQuery(text)


def test_other_bindings_stay_values_blocks() -> None:
    query = "SELECT ?s WHERE { ?s <https://example.org/name> ?n FILTER (?n = ?wanted) }"
    assert adapt(query, {"wanted": Literal("Ann")}) == bind(query, {"wanted": Literal("Ann")})
    # A literal is never a path start; an IRI that starts no path stays a VALUES row.
    path = "SELECT ?x WHERE { ?x (<urn:p>)* ?y }"
    assert "VALUES (?x)" in adapt(path, {"x": Literal("a")})
    assert "VALUES (?y)" in adapt(path, {"y": IRI("urn:b")})


def test_a_projected_term_test_is_cast_to_a_boolean() -> None:
    """Virtuoso answers `(isIRI(?o) AS ?oiri)` with 0 or 1, which the event readers took for
    false (a timeline answered 500 on Virtuoso)."""
    query = "SELECT ?o (isIRI(?o) AS ?oiri) (isLiteral( ?o ) AS ?lit) WHERE { ?s ?p ?o }"
    text = adapt(query, None)
    assert "(<http://www.w3.org/2001/XMLSchema#boolean>(isIRI(?o)) AS ?oiri)" in text
    assert "(<http://www.w3.org/2001/XMLSchema#boolean>(isLiteral( ?o )) AS ?lit)" in text
    assert "FILTER (isIRI(?o))" in adapt("SELECT ?o WHERE { ?s ?p ?o FILTER (isIRI(?o)) }", None)
    parseQuery(text)


def test_a_bracket_after_a_variable_in_a_comment_or_projection_is_no_path() -> None:
    query = (
        "# filtered by ?person (an event subject or the entity itself)\n"
        "SELECT ?person (COUNT(*) AS ?n) WHERE { ?e <urn:subject> ?person } GROUP BY ?person"
    )
    assert "BIND" not in adapt(query, {"person": IRI("urn:a")})
