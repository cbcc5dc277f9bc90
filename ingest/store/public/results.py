"""SPARQL 1.1 query results (JSON, XML, CSV, TSV) written from a list of solutions, so a result
cut at the row cap is still a well-formed document (the engines' serialisers only write whole
results). JSON carries `"truncated": true` when rows were cut."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ingest.store.terms import IRI, XSD_STRING, BlankNode, Literal, Triple

Row = Sequence[Any]  # one term (or None) per variable, in variable order


def _json_term(term: Any) -> dict[str, Any]:
    if isinstance(term, IRI):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, Any] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype != XSD_STRING:
            out["datatype"] = term.datatype
        return out
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def select_json(variables: list[str], rows: list[Row], truncated: bool) -> bytes:
    doc: dict[str, Any] = {
        "head": {"vars": variables},
        "results": {
            "bindings": [
                {v: _json_term(t) for v, t in zip(variables, row, strict=True) if t is not None} for row in rows
            ]
        },
    }
    if truncated:
        doc["truncated"] = True
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def _xml_term(term: Any) -> str:
    if isinstance(term, IRI):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype != XSD_STRING:
            return f"<literal datatype={quoteattr(term.datatype)}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject><predicate>{_xml_term(term.predicate)}"
            f"</predicate><object>{_xml_term(term.object)}</object></triple>"
        )
    raise TypeError(f"not an RDF term: {term!r}")


_XML_HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'


def select_xml(variables: list[str], rows: list[Row], truncated: bool) -> bytes:
    out = [_XML_HEAD, "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head>\n<results>\n")
    for row in rows:
        out.append("<result>")
        out += [
            f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
            for v, t in zip(variables, row, strict=True)
            if t is not None
        ]
        out.append("</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode("utf-8")


def _csv_value(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Triple):
        return str(term)
    return str(term.value)


def select_csv(variables: list[str], rows: list[Row], truncated: bool) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")  # SPARQL 1.1 CSV: RFC 4180 CRLF records
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_value(t) for t in row])
    return buf.getvalue().encode("utf-8")


_TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", '"': '\\"'})


def _tsv_term(term: Any) -> str:
    if term is None:
        return ""
    if isinstance(term, Literal):
        text = '"' + term.value.translate(_TSV_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype != XSD_STRING:
            return f"{text}^^<{term.datatype}>"
        return text
    return str(term)  # <iri>, _:bnode, << triple >> in N-Triples syntax


def select_tsv(variables: list[str], rows: list[Row], truncated: bool) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def ask_json(value: bool) -> bytes:
    return json.dumps({"head": {}, "boolean": value}).encode("utf-8")


def ask_xml(value: bool) -> bytes:
    return f"{_XML_HEAD}<head/>\n<boolean>{'true' if value else 'false'}</boolean>\n</sparql>\n".encode()


SELECT_WRITERS = {"json": select_json, "xml": select_xml, "csv": select_csv, "tsv": select_tsv}
ASK_WRITERS = {"json": ask_json, "xml": ask_xml}
