"""Safety checks on query text, all made BEFORE the query is evaluated.

Two layers:
- `check_text` (in the server process, cheap): length, and bracket nesting depth from a small
  lexer that skips strings, IRIs and comments. Deeply nested queries crash pyoxigraph's parser
  (and exhaust Python's recursion in rdflib's), so they are refused before any parser sees them.
- `inspect` (in a worker process): a real SPARQL parse with rdflib's grammar. Updates (LOAD,
  INSERT, CLEAR, ...) and SERVICE are refused; the query form (SELECT/ASK/CONSTRUCT/DESCRIBE)
  picks the result formats. Where rdflib's grammar lags behind oxigraph's (RDF-star, newer
  functions) the lexer's keywords decide, so a query rdflib cannot parse is still checked for
  SERVICE and update keywords, and oxigraph's own parser then accepts or rejects it.

Remote data is never fetched otherwise: FROM / FROM NAMED and default-graph-uri /
named-graph-uri only select graphs inside the store (oxigraph does not dereference them; a name
not in the store is an empty graph).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# Keywords that only occur in SPARQL Update requests, or that make the engine fetch remote data.
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
REMOTE_KEYWORDS = frozenset({"SERVICE"})

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7-\U000effff]+)
  | (?P<word>[A-Za-z_][A-Za-z0-9_\-.]*(?::[^\s{}()\[\];,]*)?|:[^\s{}()\[\];,]*)
  | (?P<open>[({\[])
  | (?P<close>[)}\]])
    """,
    re.VERBOSE | re.DOTALL,
)


class QueryRefused(Exception):
    """The request is refused before evaluation; `status` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


@dataclass(frozen=True)
class Scan:
    depth: int  # deepest bracket nesting
    keywords: frozenset[str]  # bare words (not in strings, IRIs, comments, prefixed names), upper case


def scan(text: str) -> Scan:
    depth = deepest = 0
    words: set[str] = set()
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup
        if kind == "open":
            depth += 1
            deepest = max(deepest, depth)
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == "word" and ":" not in m.group():
            words.add(m.group().upper())
    return Scan(deepest, frozenset(words))


def check_text(query: str, *, max_length: int, max_depth: int) -> Scan:
    """Refuse over-long or over-nested text (413 / 400). Runs before any parser."""
    if len(query) > max_length:
        raise QueryRefused(f"query too long: {len(query)} characters, the limit is {max_length}", 413)
    result = scan(query)
    if result.depth > max_depth:
        raise QueryRefused(f"query nested too deeply: {result.depth} levels of brackets, the limit is {max_depth}")
    return result


def _refuse_keywords(keywords: frozenset[str]) -> None:
    if keywords & REMOTE_KEYWORDS:
        raise QueryRefused("SERVICE is not allowed: this endpoint never fetches data from elsewhere")
    if "LOAD" in keywords:
        raise QueryRefused("LOAD is not allowed: this endpoint is read-only and never fetches data")
    found = keywords & UPDATE_KEYWORDS
    if found and not keywords & set(FORMS):
        raise QueryRefused(f"updates are not allowed ({', '.join(sorted(found))}): this endpoint is read-only")


def _names(node: Any) -> set[str]:
    """Names of all parse-tree nodes (rdflib CompValue) below `node`."""
    from rdflib.plugins.sparql.parserutils import CompValue

    found: set[str] = set()
    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, CompValue):
            found.add(n.name)
            stack.extend(n.values())
        elif isinstance(n, list | tuple) or hasattr(n, "asList"):
            stack.extend(n)
    return found


@dataclass(frozen=True)
class Inspection:
    form: str  # "SELECT", "ASK", "CONSTRUCT" or "DESCRIBE"
    has_dataset: bool  # the query names its own dataset (FROM / FROM NAMED)


@lru_cache(maxsize=512)
def inspect(query: str) -> Inspection:
    """The query's form and whether it has FROM clauses; raises QueryRefused for updates,
    SERVICE and remote fetches. Cached: the same text is parsed once per worker."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    lexed = scan(query)
    try:
        tree = parseQuery(query)
    except ParseException:
        try:
            parseUpdate(query)
        except ParseException:
            pass
        else:
            kinds = {str(k) for k in lexed.keywords & UPDATE_KEYWORDS} or {"update"}
            if "LOAD" in kinds:
                raise QueryRefused("LOAD is not allowed: this endpoint is read-only and never fetches data") from None
            raise QueryRefused(
                f"updates are not allowed ({', '.join(sorted(kinds))}): this endpoint is read-only"
            ) from None
        # rdflib's grammar does not know it: judge by keywords, let oxigraph's parser decide.
        _refuse_keywords(lexed.keywords)
        form = next((f for f in _forms_in_order(query) if f in FORMS), "SELECT")
        return Inspection(form, "FROM" in lexed.keywords)
    names = _names(tree)
    if "ServiceGraphPattern" in names or lexed.keywords & REMOTE_KEYWORDS:
        raise QueryRefused("SERVICE is not allowed: this endpoint never fetches data from elsewhere")
    form = tree[1].name.removesuffix("Query").upper()
    if form not in FORMS:
        raise QueryRefused(f"not a query: {form}")
    return Inspection(form, "DatasetClause" in names)


def _forms_in_order(query: str) -> list[str]:
    return [m.group().upper() for m in _TOKEN.finditer(query) if m.lastgroup == "word" and m.group().upper() in FORMS]
