"""Read facts back out of the store with SPARQL: the graph, not the extractor's memory, is
what the facts export and the evaluation see. One Facts per document graph."""

from __future__ import annotations

from pathlib import Path

from ingest.model import DocumentRecord, EventRecord, Facts, OrganisationRecord, PersonRecord
from ingest.queries import load, split
from ingest.store import Store
from ingest.store.terms import IRI
from ingest.vocab import CG, EVENT_CLASS, ORGANISATION_CLASS, OUTCOME, PERSON_KIND, STATUS, invert

_EVENT_TYPE = invert(EVENT_CLASS)  # type: ignore[arg-type]
_ORG_KIND = invert(ORGANISATION_CLASS)  # type: ignore[arg-type]
_PERSON_KIND = invert(PERSON_KIND)  # type: ignore[arg-type]
_OUTCOME = invert(OUTCOME)  # type: ignore[arg-type]
_STATUS = invert(STATUS)  # type: ignore[arg-type]


def _org_kind(classes: list[str]) -> str:
    specific = [_ORG_KIND[c] for c in classes if c in _ORG_KIND and c != str(CG.Organisation)]
    return sorted(specific)[0] if specific else "other"


def read_document_facts(store: Store, row: dict[str, str | None]) -> Facts:
    g = {"g": IRI(row["g"] or "")}
    document = DocumentRecord(
        file=row["file"] or "",
        publishers=split(row["publishers"]),
        published=row["published"],
        reference=row["reference"],
        language=row["language"],
        source_url=row["url"],
        title=row["title"],
        content_hash=row["hash"],
        curated=row["extraction"] == str(CG.Curated),
    )
    people = [
        PersonRecord(
            name=r["name"] or "",
            aliases=split(r["aliases"]),
            kind=_PERSON_KIND.get(r["kind"] or "", "other"),
            roles=split(r["roles"]),
            organisation=r["organisation"],
            position=r["position"],
            residence=r["residence"],
        )
        for r in store.select(load("people"), g, union=False)
    ]
    organisations = [
        OrganisationRecord(
            name=r["name"] or "",
            aliases=split(r["aliases"]),
            kind=_org_kind(split(r["classes"])),
            place=r["place"],
        )
        for r in store.select(load("organisations"), g, union=False)
    ]
    events = [
        EventRecord(
            type=_EVENT_TYPE.get(r["class"] or "", "other"),
            people=split(r["people"]),
            date=r["date"],
            status=_STATUS.get(r["status"] or "", "occurred"),
            place=r["place"],
            authority=r["authority"],
            judge=r["judge"],
            provisions=split(r["provisions"]),
            from_=r["from"],
            to=r["to"],
            outcome=_OUTCOME.get(r["outcome"] or ""),
            penalty=r["penalty"],
            replaces=split(r["replaces"]),
        )
        for r in store.select(load("events"), g, union=False)
    ]
    return Facts(document=document, people=people, organisations=organisations, events=events)


def read_all_facts(store: Store) -> list[Facts]:
    """Every document's facts, withheld ones included (the owner's view: GRAPH ranges over the
    document graphs only, never the store's own union of them)."""
    from ingest.store.view import full_view

    view = full_view(store)
    return [read_document_facts(view, row) for row in view.select(load("documents"), union=False)]


def facts_file_name(document_file: str) -> str:
    return Path(document_file).stem + ".yaml"
