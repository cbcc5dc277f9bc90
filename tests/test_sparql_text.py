"""Bindings written into query text for servers (ingest.store.sparql_text): where the VALUES
blocks go, and that nothing but a checked term reaches the text."""

from __future__ import annotations

import pytest
from rdflib.plugins.sparql.parser import parseQuery

from ingest.store.sparql_text import bind
from ingest.store.terms import IRI, Literal

P = IRI("urn:x:p")


def test_the_where_group_takes_every_binding_and_the_text_stays_sparql() -> None:
    query = "SELECT ?p ?o WHERE { ?s ?p ?o }"
    out = bind(query, {"p": P})
    assert out.startswith("SELECT ?p ?o WHERE { VALUES (?p) { (<urn:x:p>) }")
    parseQuery(out)


def test_braces_in_strings_iris_and_comments_do_not_count() -> None:
    query = 'CONSTRUCT { ?s ?p "{" } WHERE { ?s ?p ?o FILTER (?o != "}") } # {'
    out = bind(query, {"p": P})
    assert 'CONSTRUCT { ?s ?p "{" } WHERE { VALUES (?p)' in out  # the template takes none
    parseQuery(out)


def test_a_nested_filter_sees_the_value() -> None:
    # Inside GRAPH { } the group is evaluated on its own: the block goes there too.
    query = "SELECT ?one ?x WHERE { GRAPH ?g { ?x ?p ?o FILTER (?one = ?x) } }"
    out = bind(query, {"one": IRI("urn:x:a")})
    assert out.count("VALUES (?one)") == 2
    parseQuery(out)


def test_a_subquery_takes_only_what_it_projects() -> None:
    query = "SELECT ?a ?b WHERE { { SELECT ?a WHERE { ?a ?p ?b } } ?a ?q ?b }"
    out = bind(query, {"a": IRI("urn:x:a"), "b": IRI("urn:x:b")})
    # `{ SELECT` holds the subquery alone; its own WHERE group takes ?a, never its private ?b
    assert "{ SELECT ?a WHERE { VALUES (?a) { (<urn:x:a>) }" in out
    assert out.count("VALUES (?a ?b)") == 1
    parseQuery(out)


def test_values_data_blocks_take_nothing() -> None:
    out = bind("SELECT ?p ?o WHERE { VALUES ?o { 1 2 } ?s ?p ?o }", {"p": P})
    assert "VALUES ?o { 1 2 }" in out and out.count("VALUES (?p)") == 1


def test_a_literal_full_of_syntax_is_one_escaped_value() -> None:
    nasty = '"} } ; DROP ALL ; SELECT * { ?x ?y "\n'
    out = bind("SELECT ?v WHERE { ?s ?p ?v }", {"v": Literal(nasty)})
    assert '"\\"} } ; DROP ALL ; SELECT * { ?x ?y \\"\\n"' in out
    parsed = parseQuery(out)
    assert parsed  # still one query


def test_only_terms_and_names_reach_the_text() -> None:
    with pytest.raises(ValueError):
        IRI("urn:x> } DROP ALL { <urn:y")
    with pytest.raises(ValueError):
        bind("SELECT * { ?s ?p ?o }", {"p) } DROP ALL { (": P})


def test_lateral_groups_take_nothing() -> None:
    # LATERAL substitutes its left side's bindings; Oxigraph refuses a VALUES inside on them.
    out = bind("SELECT ?s ?o WHERE { ?s ?p ?x LATERAL { ?s ?q ?o FILTER (?s != <urn:x:b>) } }", {"s": P})
    assert out.count("VALUES") == 1


def test_a_lateral_subquery_does_not_cut_the_next_group_off() -> None:
    """A LATERAL `{ SELECT ?x ... }` takes nothing, and its projection does not carry on: the
    group after it still takes the binding (ld_describe.rq's last branch ran unbound on every
    server, over every statement of the store)."""
    query = (
        "SELECT ?iri ?x WHERE { { ?iri ?p ?x LATERAL { SELECT ?x (MIN(?o) AS ?m) WHERE { ?x ?q ?o } GROUP BY ?x } }"
        " UNION { { SELECT DISTINCT ?iri ?x WHERE { ?iri ?r ?x } } } }"
    )
    out = bind(query, {"iri": P})
    last = out[out.index("UNION") :]
    assert "SELECT DISTINCT ?iri ?x WHERE { VALUES (?iri)" in last, out
    assert out[out.index("LATERAL") : out.index("UNION")].count("VALUES") == 0


def test_a_path_start_can_be_bound_with_bind_in_the_groups_that_hold_the_path() -> None:
    query = (
        "SELECT ?x ?y WHERE { { SELECT ?x ?y WHERE { ?x (<urn:p>)* ?y } } "
        "UNION { GRAPH ?g { ?s <urn:q> ?x } } ?y <urn:q> ?z }"
    )
    text = bind(query, {"x": IRI("urn:a"), "z": Literal("v")}, as_bind={"x"})
    # the WHERE group and the sub-SELECT hold the path; the graph group keeps a VALUES block
    assert text.count("BIND (<urn:a> AS ?x)") == 2
    assert text.count("VALUES (?x) { (<urn:a>) }") == 2  # the UNION branch and its graph group
    assert 'VALUES (?z) { ("v") }' in text
    parseQuery(text)


def test_dataset_clauses_are_taken_out_and_nothing_else() -> None:
    from ingest.store.sparql_text import without_dataset_clauses

    query = (
        "PREFIX ex: <https://example.org/>\n"
        "SELECT ?from FROM <https://example.org/a> FROM NAMED ex:b from named :c\n"
        'WHERE { GRAPH ?g { ?s ?p "FROM <urn:x>" } # FROM <urn:y>\n}'
    )
    text = without_dataset_clauses(query)
    assert "example.org/a" not in text and "ex:b" not in text and ":c\n" not in text
    assert 'GRAPH ?g { ?s ?p "FROM <urn:x>" } # FROM <urn:y>' in text and "SELECT ?from" in text
    parseQuery(text)
