"""Where and why an RDF file failed to parse: reason, line and column for every syntax.

rdflib raises a different exception for each parser and puts the position in a different
place (or nowhere): Turtle and TriG carry an offset into the text, N-Triples and N-Quads only
the rest of the bad line, XML and JSON their own (line, column). `locate` turns each into one
`ParseProblem`, so `casegraph validate` can print `file:line:column: reason` for all of them.
Lines and columns count from 1; either is None only when the parser gives nothing to find it by.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from xml.sax import SAXParseException

from rdflib import Graph


@dataclass(frozen=True)
class ParseProblem:
    reason: str
    line: int | None = None
    column: int | None = None


def _position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column of a character offset."""
    offset = max(0, min(offset, len(text)))
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def _decode(data: bytes | str) -> str:
    return data if isinstance(data, str) else data.decode("utf-8", errors="replace")


def _first_line(message: str) -> str:
    message = message.strip()
    return message.splitlines()[0] if message else ""


def _notation3(exc: Exception) -> ParseProblem:
    """rdflib's Turtle/TriG BadSyntax: `_str` is the whole text, `_i` the offset of the error."""
    text, offset = getattr(exc, "_str", ""), getattr(exc, "_i", None)
    reason = str(getattr(exc, "_why", "") or "bad syntax")
    if offset is None:
        return ParseProblem(reason)
    line, column = _position(_decode(text), int(offset))
    return ParseProblem(reason, line, column)


_RELATIVE = re.compile(r"with relative '([^']*)'")


def _relative_iri(exc: Exception, text: str) -> ParseProblem | None:
    """The Turtle parser refuses a relative IRI (there is no base to resolve it against) with a
    ValueError that names the IRI but not where it is: the first `<iri>` in the text is it."""
    match = _RELATIVE.search(str(exc))
    if not match:
        return None
    reason = f"relative IRI <{match.group(1)}> and no @base to resolve it against"
    offset = text.find(f"<{match.group(1)}>")
    if offset < 0:
        return ParseProblem(reason)
    return ParseProblem(reason, *_position(text, offset))


def _line_based(exc: Exception, text: str, fmt: str) -> ParseProblem:
    """N-Triples/N-Quads name the unparsed rest of the bad line, not its number. Each line is a
    statement on its own, so the first line that ends with that rest and fails alone is it."""
    message = str(exc).strip()
    if "\n" in message:  # N-Quads: 'Invalid line (why at  rest):\n'<whole line>''
        head, _, quoted = message.partition("\n")
        rest = quoted.strip().strip("'")
        why = re.search(r"\((.*) at  ", head)
        reason = f"invalid line ({why.group(1)})" if why else "invalid line"
        tail = re.search(r" at  (.*)\):$", head)
        bad_tail = tail.group(1).strip() if tail else rest
    else:  # N-Triples: 'Invalid line: rest'
        rest = message.partition(":")[2].strip()
        reason, bad_tail = "invalid line", rest
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.rstrip()
        if not rest or not stripped.endswith(rest):
            continue
        try:
            Graph().parse(data=line, format="nt" if fmt == "nt" else "nquads")
        except Exception:
            found = stripped.rfind(bad_tail) if bad_tail else -1
            column = found + 1 if found >= 0 else len(line) - len(line.lstrip()) + 1
            return ParseProblem(f"{reason}: {bad_tail}"[:300], number, column)
    return ParseProblem(_first_line(message)[:300] or reason)


def locate(exc: BaseException, data: bytes | str, fmt: str) -> ParseProblem:
    """The reason and position of the parse error `exc`, raised parsing `data` as `fmt`."""
    if isinstance(exc, json.JSONDecodeError):
        return ParseProblem(exc.msg, exc.lineno, exc.colno)
    if isinstance(exc, SAXParseException):
        column = exc.getColumnNumber()
        return ParseProblem(exc.getMessage(), exc.getLineNumber(), None if column is None else column + 1)
    position = getattr(exc, "position", None)  # xml.etree ParseError: (line, 0-based column)
    if isinstance(position, tuple) and len(position) == 2:
        return ParseProblem(_first_line(str(exc)).split(": line ")[0], position[0], position[1] + 1)
    if hasattr(exc, "_why"):
        return _notation3(exc)  # type: ignore[arg-type]
    text = _decode(data)
    if isinstance(exc, IndexError) and fmt in ("turtle", "trig"):
        # rdflib's Turtle parser runs off the end of a statement cut short at the end of the file.
        return ParseProblem("unexpected end of file (statement not finished)", *_position(text, len(text)))
    if isinstance(exc, ValueError) and fmt in ("turtle", "trig"):
        found = _relative_iri(exc, text)
        if found is not None:
            return found
    if fmt in ("nt", "nquads") and isinstance(exc, Exception):
        return _line_based(exc, text, fmt)
    return ParseProblem(_first_line(str(exc))[:300] or type(exc).__name__)
