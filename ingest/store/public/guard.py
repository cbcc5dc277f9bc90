"""Safety checks on a public query, all made BEFORE the engine sees it. They fail closed.

Three layers, each enough on its own for what it covers:

1. `check_text` (in the server process, cheap): the length, and a conservative bound on bracket
   nesting read off the text with Unicode escapes expanded. Brackets inside IRIs count too
   (`<((((...>` must not hide depth), only strings and comments are skipped. This keeps deep
   nesting away from every recursive parser (rdflib's, and oxigraph's own).
2. `inspect` (in a worker process): a real parse with rdflib's SPARQL 1.1 grammar. A query the
   grammar cannot parse is REFUSED, never passed on to be judged by keywords: whatever the
   checker cannot read, it cannot vouch for. On the parse: updates, LOAD and SERVICE (in any
   spelling, nested in any subquery) are refused, and the parse tree's depth and size are bounded.
   A plain word scan for SERVICE/LOAD outside strings, IRIs and comments runs as well, so a
   query where rdflib's parse and the engine's might differ still cannot name a service.
3. The worker itself cannot reach the network (ingest.store.public.sandbox): a gap in 1 and 2 stays a
   query error, not a request to another host.

Remote data is never fetched otherwise: FROM / FROM NAMED and default-graph-uri /
named-graph-uri only select graphs inside the store (oxigraph does not dereference them; a name
not in the store is an empty graph).
"""

from __future__ import annotations

import re
import sys
import threading
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
# Keywords that only occur in SPARQL Update requests, or that make the engine fetch remote data.
UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})
REMOTE_KEYWORDS = frozenset({"SERVICE", "LOAD"})
# rdflib's parse-tree names of everything that reaches outside the store or writes to it.
FORBIDDEN_NODES = {
    "ServiceGraphPattern": "SERVICE is not allowed: this endpoint never fetches data from elsewhere",
    "Load": "LOAD is not allowed: this endpoint is read-only and never fetches data",
}
# Functions whose value changes from one evaluation of the same query to the next.
CHANGING_FUNCTIONS = frozenset({"Builtin_NOW", "Builtin_RAND", "Builtin_UUID", "Builtin_STRUUID", "Builtin_BNODE"})
# How many parse-tree levels one level of brackets may take (a FILTER expression descends through
# about six grammar rules per parenthesis), and the tree's size per character of query text.
TREE_LEVELS_PER_BRACKET = 8
TREE_BASE_DEPTH = 16
# rdflib's grammar recurses once per grammar rule; these bound a parse of a query that passed
# the text check, in a thread with room for that recursion.
_PARSE_RECURSION_LIMIT = 60_000
_PARSE_STACK_BYTES = 512 * 1024 * 1024

# `\uXXXX` and `\UXXXXXXXX` are expanded in the whole query text before parsing (SPARQL 1.1
# section 19.2), by rdflib and by oxigraph alike: every check reads the expanded text.
_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\U000effff]+)
  | (?P<pname>(?:[A-Za-z_\u00c0-\U000effff][A-Za-z0-9_\-.\u00b7\u00c0-\U000effff]*)?
              :[A-Za-z0-9_\-:.%\\\u00b7\u00c0-\U000effff]*)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
    """,
    re.VERBOSE | re.DOTALL,
)
_OPEN, _CLOSE = "({[", ")}]"


class QueryRefused(Exception):
    """The request is refused before evaluation; `status` is the HTTP status to answer."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.status = status


def expand_escapes(text: str) -> str:
    def one(m: re.Match[str]) -> str:
        code = int(m.group(1) or m.group(2), 16)
        return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"

    return _ESCAPE.sub(one, text)


@dataclass(frozen=True)
class Scan:
    depth: int  # deepest bracket nesting (an upper bound: brackets in IRIs count)
    keywords: frozenset[str]  # bare words (not in strings, IRIs, comments, names), upper case


def scan(text: str) -> Scan:
    """Bracket depth and bare keywords of `text` (escapes expanded). Strings and comments are
    skipped; every other bracket counts, inside an IRI too, so a bracket the lexer reads as
    part of an IRI and the parser as an expression is never missed."""
    text = expand_escapes(text)
    depth = deepest = 0
    words: set[str] = set()
    position = 0

    def count(chunk: str) -> None:
        nonlocal depth, deepest
        for ch in chunk:
            if ch in _OPEN:
                depth += 1
                deepest = max(deepest, depth)
            elif ch in _CLOSE:
                depth = max(0, depth - 1)

    for m in _TOKEN.finditer(text):
        count(text[position : m.start()])  # punctuation between tokens
        position = m.end()
        kind = m.lastgroup
        if kind == "iri":
            count(m.group())
        elif kind == "word":
            words.add(m.group().upper())
    count(text[position:])
    return Scan(deepest, frozenset(words))


def check_text(query: str, *, max_length: int, max_depth: int) -> Scan:
    """Refuse over-long or over-nested text (413 / 400). Runs before any parser."""
    if len(query) > max_length:
        raise QueryRefused(f"query too long: {len(query)} characters, the limit is {max_length}", 413)
    result = scan(query)
    if result.depth > max_depth:
        raise QueryRefused(f"query nested too deeply: {result.depth} levels of brackets, the limit is {max_depth}")
    return result


@dataclass(frozen=True)
class Inspection:
    form: str  # "SELECT", "ASK", "CONSTRUCT" or "DESCRIBE"
    has_dataset: bool  # the query names its own dataset (FROM / FROM NAMED)
    tree_depth: int
    tree_size: int
    # The IRIs of its FROM and FROM NAMED clauses (prefixes and BASE applied; an IRI still
    # relative resolves against the endpoint's URL, ingest.store.public.dataset).
    from_default: tuple[str, ...] = ()
    from_named: tuple[str, ...] = ()
    # The parse holds a GRAPH pattern (anywhere: a subquery, an EXISTS). Without one, a query
    # reads no named graph, so the dataset it is given needs none: an engine handed a long list
    # of named graphs pays for it on every query (ingest.store.public.dataset). Should the
    # engine's parse find a GRAPH this one does not, it ranges over no graph at all: nothing
    # more is shown, only less.
    graph_patterns: bool = True
    # No function whose value differs from one evaluation to the next (Outcome.repeatable).
    repeatable: bool = False


def _dataset_clauses(tree: Any) -> tuple[tuple[str, ...], tuple[str, ...]]:
    from rdflib.plugins.sparql.algebra import translatePrologue

    query = tree[1]
    # not .get(): a CompValue answers a missing key with its own name
    clauses = query["datasetClause"] if "datasetClause" in query else []  # noqa: SIM401
    if not clauses:
        return (), ()
    prologue = translatePrologue(tree[0], None)
    default: list[str] = []
    named: list[str] = []
    for clause in clauses:
        if "default" in clause:
            default.append(str(prologue.absolutize(clause["default"])))
        else:
            named.append(str(prologue.absolutize(clause["named"])))
    return tuple(default), tuple(named)


@dataclass(frozen=True)
class Tree:
    names: frozenset[str]  # every parse-tree node name
    depth: int
    size: int


def _walk(root: Any) -> Tree:
    """Names, depth and node count of an rdflib parse tree, without recursion."""
    from rdflib.plugins.sparql.parserutils import CompValue

    names: set[str] = set()
    deepest = size = 0
    stack: list[tuple[Any, int]] = [(root, 1)]
    while stack:
        node, level = stack.pop()
        size += 1
        deepest = max(deepest, level)
        if isinstance(node, CompValue):
            names.add(node.name)
            stack.extend((child, level + 1) for child in node.values())
        elif isinstance(node, list | tuple) or hasattr(node, "asList"):
            stack.extend((child, level + 1) for child in node)
    return Tree(frozenset(names), deepest, size)


def _parse(parser: Any, text: str) -> Any:
    """Run an rdflib parse with room to recurse, in its own thread; RecursionError is
    re-raised here, a crash of the interpreter is made impossible by the big stack."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        previous = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous, _PARSE_RECURSION_LIMIT))
        try:
            outcome["tree"] = parser(text)
        except BaseException as exc:  # handed to the caller's thread
            outcome["error"] = exc

    old_size = threading.stack_size()
    threading.stack_size(_PARSE_STACK_BYTES)
    try:
        thread = threading.Thread(target=run, name="sparql-parse")
        thread.start()
    finally:
        threading.stack_size(old_size)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["tree"]


def _refuse_update(query: str, lexed: Scan) -> None:
    """Raise the update refusal when `query` parses as SPARQL Update."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        tree = _parse(parseUpdate, query)
    except (ParseException, RecursionError):
        return
    names = _walk(tree).names
    if "Load" in names or "LOAD" in lexed.keywords:
        raise QueryRefused(FORBIDDEN_NODES["Load"])
    kinds = sorted(lexed.keywords & UPDATE_KEYWORDS) or ["update"]
    raise QueryRefused(f"updates are not allowed ({', '.join(kinds)}): this endpoint is read-only")


@lru_cache(maxsize=512)
def inspect(query: str, max_depth: int = 40, max_tree_size: int = 200_000) -> Inspection:
    """The query's form and whether it has FROM clauses; raises QueryRefused for anything the
    checker cannot parse, updates, SERVICE, LOAD, and trees past the limits. Cached: the same
    text is parsed once per worker."""
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery

    lexed = check_text(query, max_length=sys.maxsize, max_depth=max_depth)
    if lexed.keywords & REMOTE_KEYWORDS:
        word = sorted(lexed.keywords & REMOTE_KEYWORDS)[0]
        raise QueryRefused(FORBIDDEN_NODES["ServiceGraphPattern" if word == "SERVICE" else "Load"])
    try:
        tree = _parse(parseQuery, query)
    except RecursionError:
        raise QueryRefused(f"query nested too deeply to check (the limit is {max_depth} levels)") from None
    except ParseException as exc:
        _refuse_update(query, lexed)
        raise QueryRefused(
            f"query not accepted: the endpoint's SPARQL 1.1 checker cannot parse it ({exc}). Queries are "
            "checked before they run and what cannot be checked is refused: write plain SPARQL 1.1 "
            "(RDF-star and engine extensions such as LATERAL are not accepted; put a space between a "
            "property and the variable after it, `?s a ?o`)"
        ) from None
    shape = _walk(tree)
    for name, message in FORBIDDEN_NODES.items():
        if name in shape.names:
            raise QueryRefused(message)
    depth_limit = TREE_BASE_DEPTH + TREE_LEVELS_PER_BRACKET * max_depth
    if shape.depth > depth_limit:
        raise QueryRefused(
            f"query nested too deeply: its parse tree is {shape.depth} levels deep, the limit is {depth_limit}"
        )
    if shape.size > max_tree_size:
        raise QueryRefused(f"query too large: {shape.size} parse-tree nodes, the limit is {max_tree_size}", 413)
    form = tree[1].name.removesuffix("Query").upper()
    if form not in FORMS:
        raise QueryRefused(f"not a query: {form}")
    from_default, from_named = _dataset_clauses(tree)
    return Inspection(
        form,
        "DatasetClause" in shape.names,
        shape.depth,
        shape.size,
        from_default,
        from_named,
        graph_patterns="GraphGraphPattern" in shape.names,
        repeatable=not shape.names & CHANGING_FUNCTIONS,
    )
