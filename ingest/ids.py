"""Deterministic IRIs: the same input always mints the same identifiers.

Entities are keyed by their transliteration-folded name, so one person named in five
documents has one IRI; documents and their named graphs by the content hash, so re-ingesting
a file replaces its own graph; events and evidence by a hash of what they state.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from rdflib import URIRef

from ingest.names import name_key, slug
from ingest.resolve import canonical_key, fullness
from ingest.vocab import ID


def short_hash(*parts: str, length: int = 16) -> str:
    h = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()
    return h[:length]


def content_hash(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()


def document_id(file_name: str) -> str:
    """A document is identified by its file name stem, the stable handle partners cite
    (the content hash is recorded as a property, so a corrected file keeps its IRI and
    replaces its own graph)."""
    return slug(file_name.rsplit(".", 1)[0] if "." in file_name else file_name, limit=120)


def document_iri(file_name: str) -> URIRef:
    return ID[f"document/{document_id(file_name)}"]


def graph_iri(file_name: str) -> URIRef:
    return ID[f"graph/{document_id(file_name)}"]


def person_iri(name: str) -> URIRef:
    # The transliteration key, unless a reviewed decision (data/resolver.tsv) joined this
    # name to others: then the key of that group's fullest name (ingest.resolve.fullest_key).
    return ID[f"person/{canonical_key('person', name)}"]


def organisation_iri(name: str) -> URIRef:
    # Organisation names are mostly English descriptions, where a readable slug is a
    # better key than the transliteration fold (spelling variants go to resolver.tsv).
    return ID[f"organisation/{canonical_key('organisation', name)}"]


def key_iri(kind: str, key: str) -> URIRef:
    """The IRI a person or organisation key mints (for owl:sameAs of merged keys)."""
    return ID[f"{kind}/{key}"]


def canonical_iri(iris: Iterable[str]) -> str:
    """The IRI that stands for a set of IRIs declared one entity (owl:sameAs): the one whose
    key (last path segment) is the fullest form, by the rule that minted it
    (ingest.resolve.fullest_key), ties broken by the whole IRI. The fusion and the
    linked-data server both pick survivors with this, so they agree with minting and with each
    other. ValueError if `iris` is empty."""
    return min(iris, key=lambda iri: (fullness(iri.rstrip("/").rsplit("/", 1)[-1]), iri))


def place_iri(name: str) -> URIRef:
    return ID[f"place/{name_key(name)}"]


def agent_iri(name: str) -> URIRef:
    """An agent named only as an event argument, neither listed as a person nor an organisation."""
    return ID[f"agent/{name_key(name)}"]


def provision_iri(code: str, article: str, part: str | None) -> URIRef:
    tail = f"{slug(code)}/{slug(article.replace('.', '-'))}"
    if part:
        tail += f"/part-{slug(part)}"
    return ID[f"provision/{tail}"]


def event_iri(file_name: str, signature: str) -> URIRef:
    return ID[f"event/{document_id(file_name)}-{short_hash(signature, length=12)}"]


def evidence_iri(subject: str, quote: str, start: int, end: int) -> URIRef:
    return ID[f"evidence/{short_hash(subject, quote, str(start), str(end))}"]


def key_of(iri: str) -> str:
    """The path of a minted IRI below the id namespace ("person/max-boka-ev")."""
    return iri[len(str(ID)) :] if iri.startswith(str(ID)) else iri


def fused_graph_iri() -> URIRef:
    """The named graph of the fused view (ingest.fusion): canonical events, conflicts and
    proceedings. "_" never occurs in a document id (slug), so no document graph can take it."""
    return ID["graph/_fused"]
