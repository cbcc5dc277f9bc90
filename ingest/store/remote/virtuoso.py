"""Virtuoso's SPARQL dialect: the rewrites that make the API's plain SPARQL 1.1 queries answer on
Virtuoso 7 what they answer elsewhere. Applied by the remote backend to the project's own
queries (never to public query text, which Virtuoso answers as it does).

- A transitive property path needs a constant at one end ("TR...: transitive start not given"):
  a VALUES binding does not count (in a sub-SELECT the path then ran from every start: a person
  page listed everyone), and a VALUES block joined with such a path runs without end. A bound
  IRI that starts a parenthesised path is bound with `BIND (<iri> AS ?x)` in the groups that
  hold the path (the same join with one solution as the VALUES block there), which Virtuoso
  takes as the start; other groups keep the VALUES block (a BIND in `GRAPH ?g { ... }` next to
  `?s ?p ?x` lost those rows on Virtuoso).
- `EXISTS { ... }` used as a value (in BIND) comes back as the integer 0 or 1: it is wrapped in
  `xsd:boolean(...)`, which Virtuoso answers with a real boolean. So is a term test projected
  as a value (`(isIRI(?o) AS ?oiri)`), which comes back as 0 or 1 too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ingest.store.sparql_text import bind, path_starts
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


def adapt(query: str, bindings: Mapping[str, Any] | None) -> str:
    """`query` as Virtuoso needs it, with `bindings` bound in it (ingest.store.sparql_text)."""
    query = _PROJECTED_TEST.sub(lambda m: f"({_BOOLEAN}({m.group(1)}) AS ?", _boolean_exists(query))
    starts = path_starts(query)
    iris = {name for name, value in (bindings or {}).items() if name in starts and isinstance(as_term(value), IRI)}
    return bind(query, bindings, as_bind=iris)
