"""Virtuoso's SPARQL dialect: the rewrites that make the API's plain SPARQL 1.1 queries answer on
Virtuoso 7 what they answer elsewhere. Applied by the remote backend to the project's own
queries (never to public query text, which Virtuoso answers as it does).

- A transitive property path needs a constant at one end ("TR...: transitive start not given"):
  a VALUES binding does not count, and a VALUES block joined with such a path runs without end.
  A bound variable that starts a parenthesised path is written as the constant and bound by
  BIND at the end of the group instead.
- `EXISTS { ... }` used as a value (in BIND) comes back as the integer 0 or 1: it is wrapped in
  `xsd:boolean(...)`, which Virtuoso answers with a real boolean. So is a term test projected
  as a value (`(isIRI(?o) AS ?oiri)`), which comes back as 0 or 1 too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ingest.store.terms import IRI, as_term

_BOOLEAN = "<http://www.w3.org/2001/XMLSchema#boolean>"
_PROJECTED_TEST = re.compile(r"\(\s*(is(?:IRI|URI|Literal|Blank|Numeric)\s*\([^()]*\))\s+AS\s+\?", re.IGNORECASE)
_BIND_EXISTS = re.compile(r"BIND\s*\(\s*((?:NOT\s+)?EXISTS)\s*\{", re.IGNORECASE)


def _closing(text: str, opened: int) -> int:
    """The offset of the `}` closing the `{` at `opened` (the API's queries: no braces in strings)."""
    depth = 0
    for i in range(opened, len(text)):
        if text[i] == "{":
            depth += 1
        elif text[i] == "}":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError("unbalanced braces in a query")


def _boolean_exists(query: str) -> str:
    out, at = [], 0
    for m in _BIND_EXISTS.finditer(query):
        if m.start() < at:
            continue
        brace = m.end() - 1
        end = _closing(query, brace)
        out.append(query[at : m.start()])
        out.append(f"BIND ({_BOOLEAN}({m.group(1)} {query[brace : end + 1]})")
        at = end + 1
    out.append(query[at:])
    return "".join(out)


def _path_starts(query: str, bindings: dict[str, Any]) -> str:
    """Each bound IRI that starts a parenthesised path written into the query as a constant and
    bound once with BIND at the end of the WHERE group; it leaves `bindings` (so no VALUES block
    is made for it: Virtuoso runs a VALUES block joined with a transitive path without end). Only
    in a query with no sub-SELECT, where the variable has one scope."""
    where = query.find("{")
    if where < 0 or re.search(r"\{\s*SELECT\b", query[where:], re.IGNORECASE):
        return query
    head, body = query[:where], query[where:]
    for name in list(bindings):
        term = as_term(bindings[name])
        variable = re.compile(rf"\?{re.escape(name)}(?![\w])")
        if not isinstance(term, IRI) or not re.search(variable.pattern + r"\s+\(", body):
            continue
        body = variable.sub(str(term).replace("\\", r"\\"), body)  # an IRI holds no backslash; kept literal anyway
        end = _closing(body, 0)
        body = f"{body[:end]}  BIND ({term} AS ?{name})\n{body[end:]}"
        del bindings[name]
    return head + body


def adapt(query: str, bindings: Mapping[str, Any] | None) -> tuple[str, dict[str, Any]]:
    """`query` as Virtuoso needs it, and the bindings left to bind as VALUES blocks
    (ingest.store.sparql_text)."""
    left = dict(bindings or {})
    query = _PROJECTED_TEST.sub(lambda m: f"({_BOOLEAN}({m.group(1)}) AS ?", _boolean_exists(query))
    return _path_starts(query, left), left
