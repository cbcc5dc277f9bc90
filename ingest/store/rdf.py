"""RDF syntaxes for every backend: parse and serialise the project's terms (ingest.store.terms).

pyoxigraph is the fastest reader and writer of these syntaxes in Python, so it does the work
here whichever backend holds the data; this module and the embedded backend are the only code
that imports it (tests/test_store_layering.py says so), converting at the edge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from enum import Enum
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pyoxigraph as ox

from ingest.store.terms import IRI, XSD_STRING, BlankNode, Literal, Quad, Term, Triple


class Format(Enum):
    """An RDF syntax: (media type, file extension, holds graph names)."""

    TURTLE = ("text/turtle", "ttl", False)
    NTRIPLES = ("application/n-triples", "nt", False)
    NQUADS = ("application/n-quads", "nq", True)
    TRIG = ("application/trig", "trig", True)
    JSONLD = ("application/ld+json", "jsonld", True)
    RDFXML = ("application/rdf+xml", "rdf", False)

    @property
    def media_type(self) -> str:
        return self.value[0]

    @property
    def extension(self) -> str:
        return self.value[1]

    @property
    def supports_datasets(self) -> bool:
        return self.value[2]


_OX_FORMATS = {
    Format.TURTLE: ox.RdfFormat.TURTLE,
    Format.NTRIPLES: ox.RdfFormat.N_TRIPLES,
    Format.NQUADS: ox.RdfFormat.N_QUADS,
    Format.TRIG: ox.RdfFormat.TRIG,
    Format.JSONLD: ox.RdfFormat.JSON_LD,
    Format.RDFXML: ox.RdfFormat.RDF_XML,
}


def ox_format(fmt: Format) -> ox.RdfFormat:
    return _OX_FORMATS[fmt]


# conversions ------------------------------------------------------------------------------------
def to_ox(term: Term) -> Any:
    if isinstance(term, IRI):
        return ox.NamedNode(term.value)
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(term.value, language=term.language)
        return ox.Literal(term.value, datatype=ox.NamedNode(term.datatype))
    if isinstance(term, BlankNode):
        return ox.BlankNode(str(term)[2:])
    if isinstance(term, Triple):
        return ox.Triple(to_ox(term.subject), to_ox(term.predicate), to_ox(term.object))
    raise TypeError(f"not an RDF term: {term!r}")


def from_ox(term: Any) -> Any:
    """A pyoxigraph term (or None) as the project's term (or None)."""
    if term is None:
        return None
    kind = type(term)
    if kind is ox.NamedNode:
        return _iri(term.value)
    if kind is ox.Literal:
        language = term.language
        if language:
            return Literal(term.value, language=language)
        return Literal(term.value, term.datatype.value)
    if kind is ox.BlankNode:
        return BlankNode(term.value)
    if kind is ox.Triple:
        return Triple(from_ox(term.subject), from_ox(term.predicate), from_ox(term.object))
    if kind is ox.DefaultGraph:
        return None
    raise TypeError(f"not an RDF term: {term!r}")


def _iri(value: str) -> IRI:
    """An IRI the engine already checked: skip the check (the hot path of every statement read)."""
    iri = object.__new__(IRI)
    object.__setattr__(iri, "value", value)
    return iri


def quad_from_ox(quad: Any) -> Quad:
    return Quad(from_ox(quad.subject), from_ox(quad.predicate), from_ox(quad.object), from_ox(quad.graph_name))


def quad_to_ox(quad: Quad) -> Any:
    graph = ox.DefaultGraph() if quad.graph is None else ox.NamedNode(quad.graph.value)
    return ox.Quad(to_ox(quad.subject), to_ox(quad.predicate), to_ox(quad.object), graph)


def _statement_to_ox(item: Triple | Quad) -> Any:
    if isinstance(item, Quad):
        return quad_to_ox(item)
    return to_ox(item)


# syntax -----------------------------------------------------------------------------------------
def serialize(statements: Iterable[Triple | Quad], fmt: Format, prefixes: Mapping[str, str] | None = None) -> bytes:
    """Triples or quads in `fmt` (quads written to a triple syntax lose their graph names)."""
    items: Iterable[Any] = (
        (_statement_to_ox(s) for s in statements)
        if fmt.supports_datasets
        else (to_ox(s.triple if isinstance(s, Quad) else s) for s in statements)
    )
    return ox.serialize(items, format=ox_format(fmt), prefixes=dict(prefixes) if prefixes else None) or b""


def parse(
    data: bytes | None = None, fmt: Format = Format.NQUADS, *, path: Path | None = None, base_iri: str | None = None
) -> Iterator[Quad]:
    """The statements of `data` (or of the file at `path`); raises SyntaxError."""
    if path is not None:
        found = ox.parse(path=str(path), format=ox_format(fmt), base_iri=base_iri)
    else:
        found = ox.parse(data or b"", format=ox_format(fmt), base_iri=base_iri)
    for quad in found:
        yield quad_from_ox(quad)


def as_stored(ntriples: bytes) -> bytes:
    """N-Triples with each literal as the embedded store keeps it (an in-memory Oxigraph store
    in between): xsd:int, xsd:nonNegativeInteger and the other integer types as xsd:integer,
    xsd:dateTimeStamp as xsd:dateTime, lexical forms canonical. A server that keeps what it is
    given (Virtuoso) then holds and answers the same statements as the embedded store."""
    store = ox.Store()
    store.load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()) or b""


def count_statements(path: Path, fmt: Format) -> int:
    """Parse the whole file without keeping it (raises SyntaxError); the number of statements."""
    return sum(1 for _ in ox.parse(path=str(path), format=ox_format(fmt)))


# SPARQL query results ------------------------------------------------------------------------
_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


_SR = "{http://www.w3.org/2005/sparql-results#}"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


# XML 1.0 allows no control character but tab, newline and return, not even as a reference,
# nor U+FFFE and U+FFFF. Virtuoso writes the controls as references (`&#31;`: the API's
# GROUP_CONCAT separator) and U+FFFF as it is (the API's "no upper bound" value). Each is read
# as a code point of the Supplementary Private Use Area-A (U+F0000 + its last byte) and turned
# back in the term's text.
_SHELTERED = [c for c in range(0x20) if c not in (0x9, 0xA, 0xD)] + [0xFFFE, 0xFFFF]
_SHELTER = {c: 0xF0000 + (c & 0xFF) for c in _SHELTERED}
_SHELTER_BACK = {v: k for k, v in _SHELTER.items()}
_CHARACTER_REF = re.compile(rb"&#(?:x([0-9A-Fa-f]{1,6})|([0-9]{1,7}));")


def _shelter_reference(match: re.Match[bytes]) -> bytes:
    code = int(match.group(1), 16) if match.group(1) else int(match.group(2))
    return f"&#{_SHELTER[code]};".encode() if code in _SHELTER else match.group(0)


def _sheltered(data: bytes) -> bytes:
    if b"&#" in data:
        data = _CHARACTER_REF.sub(_shelter_reference, data)
    for code in (0xFFFE, 0xFFFF):
        data = data.replace(chr(code).encode(), chr(_SHELTER[code]).encode())
    return data


def _xml_term(element: ElementTree.Element) -> Term:
    kind, text = element.tag.removeprefix(_SR), (element.text or "").translate(_SHELTER_BACK)
    if kind == "uri":
        return _iri(text)
    if kind == "bnode":
        return BlankNode(text)
    if kind == "literal":
        language = element.get(_XML_LANG)
        return Literal(text, language=language) if language else Literal(text, element.get("datatype") or XSD_STRING)
    raise SyntaxError(f"not a SPARQL XML result term: <{kind}>")


def _xml_results(data: bytes) -> bool | tuple[list[str], list[list[Any]]]:
    """A SPARQL XML result read with the standard library: pyoxigraph's reader trims the
    whitespace around a literal's text (a document text's first space and last newline, so
    passage offsets moved on Virtuoso, whose answers are read as XML)."""
    try:
        root = ElementTree.fromstring(_sheltered(data))
    except ElementTree.ParseError as exc:
        raise SyntaxError(f"not a SPARQL XML result: {exc}") from None
    boolean = root.find(_SR + "boolean")
    if boolean is not None:
        return (boolean.text or "").strip() == "true"
    variables = [v.get("name") or "" for v in root.iterfind(f"{_SR}head/{_SR}variable")]
    column = {name: i for i, name in enumerate(variables)}
    rows: list[list[Any]] = []
    for result in root.iterfind(f"{_SR}results/{_SR}result"):
        row: list[Any] = [None] * len(variables)
        for binding in result.iterfind(_SR + "binding"):
            name = binding.get("name") or ""
            if name in column and len(binding):
                row[column[name]] = _xml_term(binding[0])
        rows.append(row)
    return variables, rows


def parse_results(data: bytes, media_type: str) -> bool | tuple[list[str], Iterator[list[Any]]]:
    """A SELECT result (its variables and rows of terms, None for unbound) or an ASK answer,
    from a server's response body; raises SyntaxError."""
    if media_type == "application/sparql-results+xml":
        found = _xml_results(data)
        return found if isinstance(found, bool) else (found[0], iter(found[1]))
    answer = ox.parse_query_results(data, _RESULT_FORMATS[media_type])
    if isinstance(answer, ox.QueryBoolean):
        return bool(answer)
    variables = [v.value for v in answer.variables]
    count = len(variables)
    return variables, ([from_ox(solution[i]) for i in range(count)] for solution in answer)


def result_values(data: bytes, media_type: str) -> list[dict[str, str | None]]:
    """A SELECT result as rows of plain strings (the hot path of every API read)."""
    if media_type == "application/sparql-results+xml":
        found = _xml_results(data)
        if isinstance(found, bool):
            raise ValueError("an ASK answer where rows were expected")
        names, rows = found
        return [{n: None if t is None else t.value for n, t in zip(names, row, strict=True)} for row in rows]
    answer = ox.parse_query_results(data, _RESULT_FORMATS[media_type])
    if isinstance(answer, ox.QueryBoolean):
        raise ValueError("an ASK answer where rows were expected")
    names = [v.value for v in answer.variables]
    return [{n: None if (t := sol[n]) is None else t.value for n in names} for sol in answer]


def reserialize(
    data: bytes, source: Format, target: Format, graph: str | None = None, prefixes: Mapping[str, str] | None = None
) -> bytes:
    """Triples in `source` syntax rewritten in `target`, in the graph `graph` when the target
    holds graph names (a Graph Store response turned into a dataset dump)."""
    oxgraph = ox.DefaultGraph() if graph is None else ox.NamedNode(graph)
    triples = (q.triple for q in ox.parse(data, format=ox_format(source)))
    items: Iterable[Any] = (
        (ox.Quad(t.subject, t.predicate, t.object, oxgraph) for t in triples) if target.supports_datasets else triples
    )
    return ox.serialize(items, format=ox_format(target), prefixes=dict(prefixes) if prefixes else None) or b""


def literal_text(term: Term) -> str:
    """The plain string a row gives for a term: an IRI's or literal's value, a blank node's label."""
    if isinstance(term, Triple):
        return str(term)
    return term.value


__all__ = ["XSD_STRING", "Format", "count_statements", "from_ox", "parse", "serialize", "to_ox"]
