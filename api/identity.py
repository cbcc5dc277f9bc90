"""Which IRI answers for an entity that resolution merged with others.

Resolution publishes reviewed decisions as owl:sameAs links (from data/resolver.tsv). The
members of one sameAs-connected set are one entity; exactly one of them, the survivor, is
served, and the others answer 308 to it. The survivor is chosen from the data alone, so every
server and every run agrees: the readable IRI the fused graph publishes the entity under
(cg:publishedAs, ingest.fusion.published) if there is one; else by the rule that minted the
IRI (ingest.ids.canonical_iri): among the members the graph describes (that have a type), the
fullest form of the name (most words, then longest, then smallest); if none is described, the
fullest of all.
"""

from __future__ import annotations

from collections.abc import Iterable

from api.deps import run_query_file
from ingest.groups import Groups
from ingest.ids import canonical_iri
from ingest.store import Store
from ingest.store.terms import IRI


def survivor(members: Iterable[tuple[str, bool]], published: Iterable[str] = ()) -> str | None:
    """The surviving IRI of a set of (iri, described) pairs, `published` the members that are
    a readable IRI the fused graph publishes."""
    pairs = list(members)
    readable = sorted(set(published) & {iri for iri, _ in pairs})
    if readable:
        return canonical_iri(readable)
    described = [iri for iri, has_type in pairs if has_type]
    if described:
        return canonical_iri(described)
    return canonical_iri(iri for iri, _ in pairs) if pairs else None


def resolve(store: Store, iri: str) -> tuple[str | None, bool]:
    """(the IRI that answers for `iri`, whether `iri` is known at all)."""
    try:
        node = IRI(iri)
    except ValueError:  # not even an IRI (spaces, brackets...): certainly not in the graph
        return None, False
    rows = run_query_file(store, "ld_identity.rq", {"iri": node})
    members = [(r["member"] or "", r["described"] == "true") for r in rows if r["member"]]
    if not members:
        return None, False
    published = [r["member"] or "" for r in rows if r["member"] and r["published"] == "true"]
    return survivor(members, published), True


def published_from(store: Store, iri: str) -> list[str]:
    """The IRIs documents minted for the person the fused graph publishes under `iri`
    (cg:publishedAs; empty for any other IRI)."""
    rows = run_query_file(store, "published_from.rq", {"iri": IRI(iri)})
    return [r["minted"] for r in rows if r["minted"]]


def survivor_map(store: Store) -> dict[str, str]:
    """IRI -> survivor, for every IRI in some sameAs set (others map to themselves implicitly)."""
    rows = run_query_file(store, "same_as.rq")
    joined = Groups()
    for r in rows:
        joined.join(r["a"] or "", r["b"] or "")
    out: dict[str, str] = {}
    for members in joined.groups():
        # `described` needs one query per set; sets are few (reviewed decisions only).
        chosen, _ = resolve(store, members[0])
        for m in members:
            out[m] = chosen or canonical_iri(members)
    return out
