"""Extraction: a SourceDocument -> Facts (records with evidence), never triples.

The steps, each in its own module with its patterns in `ingest/data/extract/`:
text (clean, de-glue, sentences, offset map) -> dates -> provisions -> people ->
organisations -> events -> document metadata. Every record carries Evidence whose offsets
are exact slices of `document.text`.
"""

from __future__ import annotations

from ingest.extract import nlp
from ingest.extract.affiliation import affiliate
from ingest.extract.consistency import make_consistent
from ingest.extract.dates import find_dates
from ingest.extract.events import EventExtractor
from ingest.extract.headline import headline
from ingest.extract.metadata import published_date, publishers, reference_code, url_date
from ingest.extract.organisations import Organisation, find_organisations
from ingest.extract.people import Person, find_people
from ingest.extract.provisions import find_provisions
from ingest.extract.spans import Spans
from ingest.extract.text import clean
from ingest.model import Evidence, Facts, OrganisationRecord, PersonRecord
from ingest.readers import SourceDocument

__all__ = ["extract_facts"]


def extract_facts(document: SourceDocument) -> Facts:
    ct = clean(document.text)
    record = document.record
    # The page's address dates it more weakly than its text: it only gives years.
    in_url = url_date(record.source_url)
    dates = find_dates(ct, record.published, in_url)
    if not record.published:
        record.published = published_date(ct, dates)
        if record.published:
            dates = find_dates(ct, record.published, in_url)
    if not record.reference:
        record.reference = reference_code(ct)
    if not record.title:
        record.title = headline(ct, dates)
    provisions = find_provisions(ct)
    people = find_people(ct, nlp.person_spans)
    orgs = find_organisations(ct, [(m.start, m.end) for p in people for m in p.mentions])
    people = _drop_people_inside_organisations(people, orgs)
    affiliate(ct, people, orgs)  # the body a post is held in types its holder
    events = make_consistent(EventExtractor(ct, people, orgs, dates, provisions).extract())
    subjects = {n for e in events for n in e.people}
    ngos = {n for o in orgs if o.kind == "ngo" for n in o.names()}
    for p in people:
        # Convention of the gold files: people acted against, and NGO staff speaking for
        # their organisation, are defenders.
        acted_on = p.name in subjects and not p.relative
        if p.kind == "other" and (acted_on or any(n in r for r in p.roles for n in ngos)):
            p.kind = "defender"
    if not record.publishers:
        record.publishers = publishers(ct, orgs)
    for name in record.publishers:
        if not any(name in o.names() for o in orgs):
            orgs.append(Organisation(name=name, kind="ngo", known=True))
    return Facts(
        document=record,
        people=[_person_record(p, orgs) for p in people],
        organisations=[_organisation_record(o) for o in orgs],
        events=events,
    )


def _drop_people_inside_organisations(people: list[Person], orgs: list[Organisation]) -> list[Person]:
    spans = Spans([(m.start, m.end) for o in orgs for m in o.mentions])
    # A name found as an organisation's ("the weekly X") is that organisation wherever it recurs.
    org_names = {n for o in orgs for n in o.names()}
    kept = []
    for p in people:
        if p.name in org_names:
            continue
        inside = [m for m in p.mentions if spans.covers(m.start, m.end)]
        if inside and len(inside) == len(p.mentions):
            continue
        kept.append(p)
    return kept


def _person_record(p: Person, orgs: list[Organisation]) -> PersonRecord:
    organisation = p.organisation
    if organisation is None:
        for role in p.roles:
            hit = next((o for o in orgs for n in o.names() if len(n) > 2 and n in role), None)
            if hit is not None:
                organisation = hit.name
                break
    return PersonRecord(
        name=p.name,
        aliases=[a for a in p.aliases if a != p.name],
        kind=p.kind,
        roles=list(dict.fromkeys(p.roles)),
        organisation=organisation,
        position=p.position if p.kind == "authority" else None,
        residence=p.residence,
        evidence=_first(p.evidence),
    )


def _organisation_record(o: Organisation) -> OrganisationRecord:
    return OrganisationRecord(
        name=o.name,
        aliases=[a for a in dict.fromkeys(o.aliases) if a != o.name],
        kind=o.kind,
        place=o.place,
        evidence=_first(o.evidence),
    )


def _first(evidence: list[Evidence]) -> list[Evidence]:
    return sorted(evidence, key=lambda e: e.start)[:1]


def warm_up() -> None:
    """Load every resource once (called by each build worker before its first document)."""
    from ingest.extract import events, resources

    resources.places()
    resources.is_given_name("Anna")
    events.warm_up()
    nlp.model()
