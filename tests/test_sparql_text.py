"""Bindings written into query text for servers (ingest.store.sparql_text): where the VALUES
blocks go, and that nothing but a checked term reaches the text."""

from __future__ import annotations

import pytest
from rdflib.plugins.sparql.parser import parseQuery

from ingest.store.sparql_text import bind, exclude_graphs
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


# exclude_graphs: GRAPH patterns cut to every graph but the hidden ones ------------------------

HIDDEN = ["urn:x:hidden", "urn:x:log"]
NOT_HIDDEN = "FILTER ({g} NOT IN (<urn:x:hidden>, <urn:x:log>))"


def test_each_graph_pattern_is_wrapped_with_its_own_filter_and_stays_sparql() -> None:
    query = (
        "PREFIX cg: <urn:x:cg#> SELECT * WHERE { GRAPH ?g { ?s ?p ?o }GRAPH cg:named { GRAPH $inner { ?a ?b ?c } } "
        'OPTIONAL { graph <urn:x:one> { ?s ?q ?v FILTER (?v != "GRAPH ?nope { }") } } } # GRAPH ?c {'
    )
    out = exclude_graphs(query, HIDDEN)
    assert "{ GRAPH ?g { ?s ?p ?o } " + NOT_HIDDEN.format(g="?g") + " }{ GRAPH cg:named" in out
    assert NOT_HIDDEN.format(g="$inner") in out and NOT_HIDDEN.format(g="cg:named") in out
    assert NOT_HIDDEN.format(g="<urn:x:one>") in out
    assert "?nope" not in out.replace('"GRAPH ?nope { }"', "")  # strings and comments are left alone
    assert out.count("NOT IN") == 4
    parseQuery(out)


def test_escapes_are_expanded_before_graphs_are_looked_for() -> None:
    out = exclude_graphs("SELECT * WHERE { \\u0047RAPH ?g { ?s ?p ?o } }", HIDDEN)
    assert NOT_HIDDEN.format(g="?g") in out and "\\u" not in out


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * FROM <urn:x:hidden> WHERE { ?s ?p ?o }",  # a dataset of its own
        "SELECT * FROM NAMED <urn:x:hidden> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
        # what the scanner would read as one IRI hides a GRAPH pattern from it
        "SELECT * WHERE { ?s ?p ?o FILTER(?o<3)GRAPH?g{?s?p?o}FILTER(?o>2) }",
        "SELECT * WHERE { GRAPH { ?s ?p ?o } }",  # no graph name
        "SELECT * WHERE { GRAPH ?g ?s }",  # no group
        "SELECT * WHERE { GRAPH ?g { ?s ?p ?o }",  # unbalanced
    ],
)
def test_what_it_cannot_vouch_for_is_refused_so_the_caller_lists_the_graphs(query: str) -> None:
    with pytest.raises(ValueError):
        exclude_graphs(query, HIDDEN)


def test_only_iris_are_written_as_hidden_graphs() -> None:
    with pytest.raises(ValueError):
        exclude_graphs("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", ["urn:x:a> } ?s ?p ?o { <urn:x:b"])


def test_the_api_query_files_can_all_be_cut_this_way() -> None:
    """Every query file the API runs is rewritten (none falls back to listing the graphs) into
    a query the engine accepts."""
    import pyoxigraph as ox

    from api.deps import QUERIES_DIR

    engine = ox.Store()
    files = sorted(QUERIES_DIR.rglob("*.rq"))
    assert len(files) > 20
    for path in files:
        list(engine.query(exclude_graphs(path.read_text(encoding="utf-8"), HIDDEN)))
