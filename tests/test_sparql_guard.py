"""The query guard (lexer + real parser) and content negotiation, as plain functions."""

from __future__ import annotations

import pytest

from ingest.store.public.formats import ALIASES, ASK_TYPES, GRAPH_ALIASES, GRAPH_TYPES, SELECT_TYPES, negotiate
from ingest.store.public.guard import QueryRefused, check_text, inspect, scan


@pytest.mark.parametrize(
    ("query", "form", "has_dataset"),
    [
        ("SELECT * WHERE { ?s ?p ?o }", "SELECT", False),
        ("PREFIX ex: <http://example.org/> ASK { ex:a ?p ?o }", "ASK", False),
        ("CONSTRUCT WHERE { ?s ?p ?o }", "CONSTRUCT", False),
        ("DESCRIBE <http://example.org/a>", "DESCRIBE", False),
        ("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", "SELECT", True),
        # the word SERVICE inside a string, an IRI, a comment or a variable is harmless
        ('SELECT ("SERVICE" AS ?x) WHERE { ?service <http://example.org/SERVICE> ?o } # SERVICE', "SELECT", False),
        # Unicode escapes are expanded before the parse, as the engine does
        ("\\u0053ELECT * WHERE { ?s ?p ?o }", "SELECT", False),
    ],
)
def test_queries_pass_with_their_form(query: str, form: str, has_dataset: bool) -> None:
    got = inspect(query)
    assert (got.form, got.has_dataset) == (form, has_dataset)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "updates are not allowed"),
        ("DELETE WHERE { ?s ?p ?o }", "updates are not allowed"),
        ("CLEAR ALL", "updates are not allowed"),
        ("DROP GRAPH <urn:g>", "updates are not allowed"),
        ("LOAD <http://127.0.0.1:1/data.ttl>", "LOAD"),
        ("LOAD SILENT <http://x.invalid/d.ttl> INTO GRAPH <urn:g>", "LOAD"),
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:1/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("select * where { optional { service silent <http://x.invalid/> { ?s ?p ?o } } }", "SERVICE"),
        # rdflib cannot parse this (RDF-star) but SERVICE is still found
        ("SELECT * WHERE { << ?s ?p ?o >> ?q ?r . SERVICE <http://x.invalid/> { ?a ?b ?c } }", "SERVICE"),
        # fail closed: what the checker's grammar cannot read is refused, SERVICE or not
        ("SELECT * WHERE { << ?s ?p ?o >> ?q ?r }", "cannot parse"),
        ("SELECT * WHERE { ?s ?p ?o LATERAL { ?o ?q ?r } }", "cannot parse"),
        ("ASK {", "cannot parse"),
    ],
)
def test_updates_and_remote_access_are_refused(query: str, words: str) -> None:
    with pytest.raises(QueryRefused, match=words) as info:
        inspect(query)
    assert 400 <= info.value.status < 500


def test_scan_counts_brackets_outside_strings_and_comments() -> None:
    assert scan("SELECT * WHERE { { FILTER((?x)) } }").depth == 4
    assert scan('SELECT * WHERE { ?s ?p "{{{{((((" } # {{{{{{').depth == 1
    # brackets inside what looks like an IRI count: `?a<((((1))))&&?b>0` is an expression
    assert scan("SELECT * WHERE { ?s <http://example.org/a(b)> ?o }").depth == 2
    assert scan("SELECT * WHERE { FILTER(?a<((((1))))&&?b>0) }").depth == 6
    # escapes are expanded first
    assert scan("SELECT * WHERE { FILTER(\\u0028\\u00281)) }").depth == 4


def test_keywords_are_read_after_escapes_and_between_glued_tokens() -> None:
    assert "SERVICE" in scan("SELECT * { ?s rdf:type?o.SERVICE<http://x/>{?a ?b ?c} }").keywords
    assert "SERVICE" in scan("SELECT * { \\u0053ERVICE <http://x/> {} }").keywords
    assert "SERVICE" not in scan("SELECT ?service { ?s ex:SERVICE 'SERVICE' } # SERVICE").keywords


def test_check_text_bounds_length_and_depth() -> None:
    check_text("SELECT * WHERE {{{ }}}", max_length=100, max_depth=3)
    with pytest.raises(QueryRefused, match="nested too deeply") as deep:
        check_text("SELECT * WHERE {{{{ }}}}", max_length=100, max_depth=3)
    assert deep.value.status == 400
    with pytest.raises(QueryRefused, match="too long") as long:
        check_text("ASK {}" + " " * 100, max_length=100, max_depth=3)
    assert long.value.status == 413


@pytest.mark.parametrize(
    ("accept", "offers", "aliases", "chosen"),
    [
        (None, list(SELECT_TYPES), ALIASES, "application/sparql-results+json"),
        ("*/*", list(GRAPH_TYPES), GRAPH_ALIASES, "text/turtle"),
        ("text/*", list(SELECT_TYPES), ALIASES, "text/csv"),
        (
            "application/sparql-results+xml;q=0.2, application/sparql-results+json;q=0.9, */*;q=0.1",
            list(ASK_TYPES),
            ALIASES,
            "application/sparql-results+json",
        ),
        ("application/xml", list(SELECT_TYPES), ALIASES, "application/sparql-results+xml"),
        ("application/json", list(GRAPH_TYPES), GRAPH_ALIASES, "application/ld+json"),
        ("text/turtle;q=0, */*", list(GRAPH_TYPES), GRAPH_ALIASES, "application/n-triples"),
        ("text/html", list(SELECT_TYPES), ALIASES, None),
        ("text/csv", list(ASK_TYPES), ALIASES, None),
    ],
)
def test_negotiate(accept: str | None, offers: list[str], aliases: dict[str, str], chosen: str | None) -> None:
    assert negotiate(accept, offers, aliases) == chosen
