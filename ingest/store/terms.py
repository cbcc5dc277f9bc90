"""The project's own RDF term values: what callers bind into queries and what the store hands
back as statements. Plain immutable Python objects, so nothing above the store depends on the
engine (pyoxigraph, a remote server's result format) that produced them.

`str(term)` is the term in N-Triples syntax, so a term can be written into query text (VALUES)
safely: an IRI is checked when it is made, a literal escapes what N-Triples escapes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
XSD_INTEGER = XSD + "integer"
XSD_DOUBLE = XSD + "double"
XSD_BOOLEAN = XSD + "boolean"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# An absolute IRI: a scheme, then no character IRIREF excludes (N-Triples / SPARQL grammar).
_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:[^\x00-\x20<>\"{}|^`\\]*")
_BNODE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]*")
_NOT_LABEL = re.compile(r"[^A-Za-z0-9_.\-]")
_LANG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


@dataclass(frozen=True, slots=True)
class IRI:
    value: str

    def __post_init__(self) -> None:
        if not isinstance(self.value, str) or not _IRI.fullmatch(self.value):
            raise ValueError(f"not an absolute IRI: {self.value!r}")

    def __str__(self) -> str:
        return f"<{self.value}>"


@dataclass(frozen=True, slots=True)
class BlankNode:
    value: str

    # Labels are not checked: servers write their own (Virtuoso's "nodeID://b10006"); the
    # N-Triples form keeps only label characters.

    def __str__(self) -> str:
        return "_:" + (self.value if _BNODE.fullmatch(self.value) else _NOT_LABEL.sub("_", self.value).lstrip("-."))


@dataclass(frozen=True, slots=True)
class Literal:
    """A literal: its lexical form, datatype IRI and language tag (a language tag makes the
    datatype rdf:langString)."""

    value: str
    datatype: str = XSD_STRING
    language: str | None = None

    def __post_init__(self) -> None:
        if self.language is not None:
            if not _LANG.fullmatch(self.language):
                raise ValueError(f"not a language tag: {self.language!r}")
            object.__setattr__(self, "language", self.language.lower())
            object.__setattr__(self, "datatype", RDF_LANG_STRING)

    @classmethod
    def of(cls, value: str | int | float | bool) -> Literal:
        """A Python value as a typed literal (bool, int, float or str)."""
        if isinstance(value, bool):
            return cls("true" if value else "false", XSD_BOOLEAN)
        if isinstance(value, int):
            return cls(str(value), XSD_INTEGER)
        if isinstance(value, float):
            return cls(repr(value), XSD_DOUBLE)
        if isinstance(value, str):
            return cls(value)
        raise TypeError(f"cannot make a literal of {type(value).__name__}")

    def __str__(self) -> str:
        text = '"' + self.value.translate(_ESCAPES) + '"'
        if self.language:
            return f"{text}@{self.language}"
        if self.datatype != XSD_STRING:
            return f"{text}^^<{self.datatype}>"
        return text


@dataclass(frozen=True, slots=True)
class Triple:
    """A statement; also an RDF-star quoted triple when it is a term."""

    subject: Term
    predicate: IRI
    object: Term

    def __str__(self) -> str:
        return f"<< {self.subject} {self.predicate} {self.object} >>"


Term = Union[IRI, BlankNode, Literal, Triple]  # noqa: UP007 (a runtime alias used in isinstance)


@dataclass(frozen=True, slots=True)
class Quad:
    """A statement in a graph; `graph` None is the default graph."""

    subject: Term
    predicate: IRI
    object: Term
    graph: IRI | None = None

    @property
    def triple(self) -> Triple:
        return Triple(self.subject, self.predicate, self.object)

    def __str__(self) -> str:
        graph = "" if self.graph is None else f" {self.graph}"
        return f"{self.subject} {self.predicate} {self.object}{graph}"


def as_term(value: object) -> Term:
    """A binding value as a term: terms pass through; str, int, float and bool become typed
    literals (an IRI is passed as IRI(iri), never as a str)."""
    if isinstance(value, IRI | BlankNode | Literal | Triple):
        return value
    if isinstance(value, bool | int | float | str):
        return Literal.of(value)
    raise TypeError(f"cannot bind {type(value).__name__} as an RDF term")
