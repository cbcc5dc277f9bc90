"""Reconciliation (W3C Entity Reconciliation API 0.2, as OpenRefine speaks it): a batch of
name queries, each answered with candidates from the person and organisation indexes the JSON
API searches (api.curated.search: the transliteration key of ingest.names, so "Aliev" finds
"Aliyev", then rapidfuzz for typos and partial names).

A candidate's score is the search score (0-100); `match` is true only when the query and one of
the candidate's names give the same transliteration key and no other candidate's name does, so
OpenRefine's "auto-match" takes only names that differ at most by romanisation. Ids are the
path below /id/ ("person/rasul-aliev"), so the manifest's view template is <origin>/id/{{id}}."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from api.curated.common import Ctx
from api.curated.organisations import organisation_index
from api.curated.persons import person_index
from api.curated.search import ranked
from ingest.names import name_key

# The types a query may name (the ontology's class names): people, any organisation, courts.
TYPES = ("Person", "Organisation", "Court")
MAX_QUERIES = 50  # queries in one batch (OpenRefine sends 10 by default)
MAX_QUERY_LENGTH = 200  # characters of one query, as /api/persons?q=
MAX_LIMIT = 25  # candidates per query
DEFAULT_LIMIT = 5
MAX_PROPERTIES = 10


class BadQuery(ValueError):
    """A query the service refuses (the message says which and why)."""


@dataclass(frozen=True)
class Query:
    text: str
    type: str | None
    limit: int
    kind: str | None  # the `kind` property: defender/authority/other, or an organisation kind


def parse_batch(batch: Any) -> dict[str, Query]:
    """The `queries` object of a request, checked: BadQuery says what is wrong."""
    if not isinstance(batch, dict):
        raise BadQuery('queries must be a JSON object of query id -> query, as {"q0": {"query": "name"}}')
    if len(batch) > MAX_QUERIES:
        raise BadQuery(f"at most {MAX_QUERIES} queries in one batch (got {len(batch)})")
    return {str(key): _query(str(key), q) for key, q in batch.items()}


def _query(key: str, q: Any) -> Query:
    if not isinstance(q, dict) or not isinstance(q.get("query"), str) or not q["query"].strip():
        raise BadQuery(f'query {key!r}: needs "query", a non-empty string')
    text = q["query"]
    if len(text) > MAX_QUERY_LENGTH:
        raise BadQuery(f"query {key!r}: longer than {MAX_QUERY_LENGTH} characters")
    kind_type = q.get("type")
    if isinstance(kind_type, list):  # the spec allows a list of types; we take one
        kind_type = kind_type[0] if len(kind_type) == 1 else None  # several: any of ours
    if kind_type is not None and kind_type not in TYPES:
        raise BadQuery(f"query {key!r}: type {kind_type!r} is not one of {', '.join(TYPES)}")
    limit = q.get("limit", DEFAULT_LIMIT)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise BadQuery(f"query {key!r}: limit must be a positive integer")
    properties = q.get("properties") or []
    if not isinstance(properties, list) or len(properties) > MAX_PROPERTIES:
        raise BadQuery(f"query {key!r}: properties must be a list of at most {MAX_PROPERTIES} {{pid, v}} objects")
    kind = None
    for p in properties:
        if not isinstance(p, dict) or "pid" not in p or "v" not in p:
            raise BadQuery(f'query {key!r}: each property is an object with "pid" and "v"')
        if p["pid"] == "kind" and isinstance(p["v"], str):
            kind = p["v"]
    return Query(text.strip(), kind_type, min(limit, MAX_LIMIT), kind)


def _candidates(ctx: Ctx, q: Query) -> list[tuple[dict[str, Any], str]]:
    """Index entries matching `q`, each with the type id it is answered as."""
    found: list[tuple[dict[str, Any], str]] = []
    if q.type in (None, "Person"):
        keep = (lambda p: q.kind in p["kinds"]) if q.kind else (lambda p: True)
        found += [(p, "Person") for p in ranked(person_index(ctx), q.text, keep)]
    if q.type in (None, "Organisation", "Court"):
        wanted = "court" if q.type == "Court" else q.kind

        def keep_org(o: dict[str, Any]) -> bool:
            return not wanted or o["kind"] == wanted

        found += [
            (o, "Court" if o["kind"] == "court" else "Organisation")
            for o in ranked(organisation_index(ctx), q.text, keep_org)
        ]
    return found


def reconcile(ctx: Ctx, q: Query) -> list[dict[str, Any]]:
    """Candidates for one query, best first (same key as the query, then score, then the most
    documented), at most q.limit."""
    key = name_key(q.text)
    scored = []
    for entry, type_id in _candidates(ctx, q):
        same_key = key != "unnamed" and any(name_key(n) == key for n in entry["names"])
        scored.append((same_key, entry, type_id))
    scored.sort(key=lambda s: (not s[0], -s[1]["score"], -s[1]["documents"], s[1]["label"].casefold(), s[1]["iri"]))
    exact = sum(1 for same_key, _, _ in scored if same_key)
    out = []
    for same_key, entry, type_id in scored[: q.limit]:
        kind = entry.get("kind") or ", ".join(entry.get("kinds", []))
        out.append(
            {
                "id": ctx.key(entry["iri"]) or entry["iri"],
                "name": entry["label"],
                "score": entry["score"],
                "match": same_key and exact == 1,
                "type": [{"id": type_id, "name": type_id}],
                "description": f"{kind}; {entry['documents']} document(s)",
            }
        )
    return out


def suggest(ctx: Ctx, prefix: str, limit: int = 10) -> list[dict[str, Any]]:
    """Entities whose names start with (or match) `prefix`, for the suggest service."""
    results = reconcile(ctx, Query(prefix, None, limit, None))
    return [{"id": r["id"], "name": r["name"], "description": r["description"]} for r in results]


def preview(ctx: Ctx, entity_id: str) -> dict[str, Any] | None:
    """What the preview card shows of the candidate `entity_id` ("person/x", as reconcile()
    answers), or None when the store holds no such person or organisation."""
    for entry in person_index(ctx):
        if ctx.key(entry["iri"]) == entity_id:
            return _card(entry, "Person", ", ".join(entry["kinds"]))
    for entry in organisation_index(ctx):
        if ctx.key(entry["iri"]) == entity_id:
            return _card(entry, "Court" if entry["kind"] == "court" else "Organisation", entry["kind"])
    return None


def _card(entry: dict[str, Any], type_id: str, kind: str) -> dict[str, Any]:
    return {
        "iri": entry["iri"],
        "href": entry["href"],
        "label": entry["label"],
        "type": type_id,
        "kind": kind if kind != type_id.casefold() else "",
        "other_names": [n for n in entry["names"] if n != entry["label"]],
        "documents": entry["documents"],
    }
