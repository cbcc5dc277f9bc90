"""Read RDF that someone else produced, without trusting it.

Partners hand `casegraph validate` files in any RDF syntax. rdflib will, if allowed, fetch a
JSON-LD `@context` from the web and let an XML parser expand entities (billion laughs,
external entities). Everything here refuses those before rdflib sees the bytes, so reading a
file never touches the network and never takes more than linear time.
"""

from __future__ import annotations

import json
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from xml.parsers import expat

from rdflib import Dataset, Graph

from ingest.jsonld_context import CONTEXT_IRI, bundled_context
from ingest.parse_errors import locate

# Suffix -> rdflib parser name. Quad formats keep their graphs; validation sees their union.
FORMATS: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".trig": "trig",
    ".nq": "nquads",
    ".nquads": "nquads",
    ".nt": "nt",
    ".ntriples": "nt",
    ".jsonld": "json-ld",
    ".json": "json-ld",
    ".rdf": "xml",
    ".owl": "xml",
    ".xml": "xml",
}
FORMAT_NAMES = sorted(set(FORMATS.values()))
MAX_BYTES = 512 * 1024 * 1024


# JSON-LD never needs deep nesting; Python's JSON reader and rdflib's JSON-LD parser recurse
# per level and end in a RecursionError near 1,000. Refusing earlier gives a clear message.
MAX_JSON_DEPTH = 200


class UnusableInput(Exception):
    """The file cannot be validated: unreadable, unparsable, unknown format or unsafe.
    `reason` is the bare cause; `line` and `column` (from 1) say where, when known."""

    def __init__(
        self,
        path: Path | str,
        problem: str,
        *,
        reason: str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        where = f"{path}:{line}:{column}" if line is not None and column is not None else str(path)
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.problem = problem
        self.reason = reason or problem
        self.line = line
        self.column = column


class NetworkRefused(RuntimeError):
    """Something tried to open a connection inside `offline()`."""


# Threads currently inside offline(). An audit hook cannot be removed once added, so the one
# hook below stays installed and does nothing outside these threads.
_OFFLINE_THREADS: set[int] = set()
_HOOK_LOCK = threading.Lock()
_HOOK_INSTALLED = False
_NETWORK_EVENTS = frozenset({"socket.connect", "socket.getaddrinfo", "socket.gethostbyname", "urllib.Request"})


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event in _NETWORK_EVENTS and threading.get_ident() in _OFFLINE_THREADS:
        raise NetworkRefused(f"network access refused while validating ({event} {args[1:2] if args else ''})")


@contextmanager
def offline() -> Iterator[None]:
    """Inside this block the current thread cannot open network connections: a backstop
    behind the format checks, for what they cannot see (a SPARQL SERVICE or FROM clause in
    user-supplied shapes, a parser feature added by a future rdflib)."""
    global _HOOK_INSTALLED
    with _HOOK_LOCK:
        if not _HOOK_INSTALLED:
            sys.addaudithook(_audit)
            _HOOK_INSTALLED = True
    ident = threading.get_ident()
    _OFFLINE_THREADS.add(ident)
    try:
        yield
    finally:
        _OFFLINE_THREADS.discard(ident)


def guess_format(path: Path) -> str | None:
    name = path.name.lower()
    for suffix in sorted(FORMATS, key=len, reverse=True):
        if name.endswith(suffix):
            return FORMATS[suffix]
    return None


class _Declaration(Exception):
    def __init__(self, what: str, line: int, column: int) -> None:
        super().__init__(what)
        self.what, self.line, self.column = what, line, column


def _check_xml(path: Path, data: bytes) -> None:
    """Refuse any DTD: entity declarations are how billion-laughs and external-entity attacks
    work, and RDF/XML never needs them. expat reads the encoding declaration (and a BOM), so
    UTF-16 or other encodings cannot smuggle a DOCTYPE past a byte search; the handlers stop
    the parse at the first declaration, before anything is expanded. (The standard library's
    expat, not defusedxml, so the light validator install needs nothing but rdflib and pyshacl.)"""
    parser = expat.ParserCreate()

    def refuse(what: str) -> Any:
        def handler(*_args: Any) -> None:
            raise _Declaration(what, parser.CurrentLineNumber, parser.CurrentColumnNumber + 1)

        return handler

    parser.StartDoctypeDeclHandler = refuse("a DOCTYPE")
    parser.EntityDeclHandler = refuse("an entity declaration")
    parser.ExternalEntityRefHandler = refuse("an external entity")
    try:
        parser.Parse(data, True)
    except _Declaration as exc:
        raise UnusableInput(
            path,
            f"RDF/XML with a DOCTYPE or entity declarations is refused (found {exc.what})",
            reason=f"{exc.what} (refused)",
            line=exc.line,
            column=exc.column,
        ) from exc
    except expat.ExpatError as exc:
        reason = expat.ErrorString(exc.code) if exc.code else str(exc)
        raise UnusableInput(
            path, f"not well-formed XML: {reason}", reason=reason, line=exc.lineno, column=exc.offset + 1
        ) from exc


def _remote_contexts(node: Any) -> Iterator[str]:
    """Every context reference that would make a JSON-LD processor fetch a document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                yield from _context_references(value)
            yield from _remote_contexts(value)
    elif isinstance(node, list):
        for item in node:
            yield from _remote_contexts(item)


def _context_references(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _context_references(item)
    elif isinstance(value, dict) and isinstance(value.get("@import"), str):
        yield value["@import"]


def _depth(document: Any) -> int:
    """How deeply arrays and objects nest, without recursion."""
    deepest, stack = 0, [(document, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            stack.extend((child, depth + 1) for child in (node.values() if isinstance(node, dict) else node))
    return deepest


def _too_deep(path: Path) -> UnusableInput:
    return UnusableInput(
        path,
        f"JSON nested more than {MAX_JSON_DEPTH} levels deep is refused (JSON-LD never needs it)",
        reason=f"nested more than {MAX_JSON_DEPTH} levels deep",
    )


def _inline_own_context(node: Any) -> Any:
    """`node` with every reference to CaseGraph's own context (CONTEXT_IRI) replaced by the
    bundled copy: the one remote context validation can read without fetching it."""
    if isinstance(node, list):
        return [_inline_own_context(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {}
    for key, value in node.items():
        if key == "@context":
            refs = value if isinstance(value, list) else [value]
            resolved = [bundled_context()["@context"] if ref == CONTEXT_IRI else ref for ref in refs]
            out[key] = resolved if isinstance(value, list) else resolved[0]
        else:
            out[key] = _inline_own_context(value)
    return out


def _check_jsonld(path: Path, data: bytes) -> bytes:
    """The JSON-LD to parse: refused if unsafe, with CaseGraph's own context inlined."""
    try:
        document = json.loads(data)
    except RecursionError as exc:
        raise _too_deep(path) from exc
    except UnicodeDecodeError as exc:
        raise UnusableInput(path, f"not valid JSON: {exc}", reason=str(exc)) from exc
    except ValueError as exc:
        problem = locate(exc, data, "json-ld")
        raise UnusableInput(
            path,
            f"not valid JSON: {problem.reason}",
            reason=problem.reason,
            line=problem.line,
            column=problem.column,
        ) from exc
    if _depth(document) > MAX_JSON_DEPTH:
        raise _too_deep(path)
    mentions_own = CONTEXT_IRI.encode() in data
    if mentions_own:
        document = _inline_own_context(document)
    remote = sorted(set(_remote_contexts(document)))
    if remote:
        raise UnusableInput(
            path,
            f"JSON-LD refers to a context by address ({remote[0]}); contexts are never fetched "
            f"(only CaseGraph's own, {CONTEXT_IRI}, is read from the bundled copy): inline the context",
        )
    return json.dumps(document).encode("utf-8") if mentions_own else data


def read_rdf(path: Path, rdf_format: str | None = None) -> Graph:
    """The triples of an RDF file (of every graph, for TriG and N-Quads), parsed offline.
    Raises UnusableInput naming the file and the problem."""
    fmt = rdf_format or guess_format(path)
    if fmt is None:
        raise UnusableInput(path, f"unknown RDF format (use a known suffix or --input-format {'|'.join(FORMAT_NAMES)})")
    if fmt not in FORMAT_NAMES:
        raise UnusableInput(path, f"unknown RDF format {fmt!r} (one of {', '.join(FORMAT_NAMES)})")
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnusableInput(path, f"file is {size} bytes, more than the {MAX_BYTES}-byte limit")
        data = path.read_bytes()
    except OSError as exc:
        raise UnusableInput(path, f"cannot read: {exc.strerror or exc}") from exc
    if fmt == "xml":
        _check_xml(path, data)
    elif fmt == "json-ld":
        data = _check_jsonld(path, data)
    dataset = Dataset(default_union=True)
    try:
        # publicID keeps relative IRIs away from the local file path.
        dataset.parse(data=data, format=fmt, publicID="urn:casegraph:validate:")
    except RecursionError as exc:
        raise UnusableInput(path, f"cannot parse as {fmt}: nested too deeply", reason="nested too deeply") from exc
    except Exception as exc:  # rdflib raises many types for bad syntax; all mean "unparsable"
        problem = locate(exc, data, fmt)
        raise UnusableInput(
            path,
            f"cannot parse as {fmt}: {problem.reason}",
            reason=problem.reason,
            line=problem.line,
            column=problem.column,
        ) from exc
    graph = Graph()
    for prefix, namespace in dataset.namespaces():
        graph.bind(prefix, namespace, override=False)
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        graph.add((s, p, o))
    return graph
