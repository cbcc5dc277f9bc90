"""The IRI each person is published under: a readable slug of the fullest name the sources use.

Minting (ingest.ids.person_iri) keys a person by the transliteration fold of the name, so
spelling variants share one IRI in every document graph without any document knowing the
others ("Rasul Aliev" and "Rassul Aliyev" are one person). The fold is made for matching, not
for reading ("Yulia Shchukina" folds to "ula-scukina"), so once all documents are in, the fused graph publishes a
readable IRI for each person whose fold key differs from the slug of their fullest name:

    <key IRI> cg:publishedAs <readable IRI> .
    <readable IRI> owl:sameAs <key IRI> .

The sameAs link lets every query that follows owl:sameAs read the person's statements
through either IRI; the server answers the readable one and sends the key IRI (and any other
member) there with 308 (api.identity). Document graphs keep the key IRIs, so a document's
graph never changes because another document arrived.

The fullest name is ingest.names.fullest_spelling of the names the documents give (the
longest); the same rule titles the person in the fused graph and in the API.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ingest.fusion.claims import EntityView
from ingest.names import fold, fullest_spelling
from ingest.vocab import ID


def fullest_names(views: Iterable[EntityView]) -> dict[str, str]:
    """Entity IRI -> the fullest name its documents give it."""
    names: dict[str, set[str]] = defaultdict(set)
    for v in views:
        names[v.entity].add(v.name)
    return {e: fullest_spelling(n) for e, n in names.items()}


def readable_person_iri(name: str) -> str:
    slug = "-".join(fold(name).split())[:80].strip("-")
    return str(ID[f"person/{slug}"]) if slug else ""


def published_iris(views: list[EntityView]) -> dict[str, str]:
    """Key IRI -> readable IRI, for the people whose readable IRI differs from their key IRI.

    A readable IRI that another entity already uses (as its key, or as the readable IRI of a
    person earlier in IRI order) is not taken: that person keeps the key IRI, since two people
    must never share an address."""
    names = fullest_names(v for v in views if v.kind == "person")
    taken = {v.entity for v in views} | {v.stated_as for v in views}
    out: dict[str, str] = {}
    for entity in sorted(names):
        readable = readable_person_iri(names[entity])
        if not readable or readable == entity or readable in taken:
            continue
        taken.add(readable)
        out[entity] = readable
    return out
