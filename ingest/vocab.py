"""Namespaces and the mapping from record values to ontology terms.

The ontology itself lives in ontology/casegraph.ttl; this module only names its terms so
that Python code never spells an IRI by hand.
"""

from __future__ import annotations

from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from ingest.event_types import registry
from ingest.namespaces import BASE, CG, DEFAULT_BASE, ID, OA, ORG, PREFIXES, SCHEMA, SEM, TIME

__all__ = [
    "BASE",
    "CG",
    "DCTERMS",
    "DEFAULT_BASE",
    "FOAF",
    "ID",
    "OA",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SEM",
    "SKOS",
    "TIME",
    "XSD",
]

# Event type -> ontology class, from the registry of event types (in its order).
EVENT_CLASS = {t.name: CG[t.class_name] for t in registry().values()}
ORGANISATION_CLASS = {
    "ngo": CG.NGO,
    "court": CG.Court,
    "state-body": CG.StateBody,
    "detention-facility": CG.DetentionFacility,
    "intergovernmental": CG.IntergovernmentalBody,
    "media": CG.Media,
    "company": CG.Company,
    "political-party": CG.PoliticalParty,
    "other": CG.Organisation,
}
PERSON_KIND = {"defender": CG.Defender, "authority": CG.Authority, "other": CG.OtherPersonKind}
OUTCOME = {
    "upheld": CG.Upheld,
    "overturned": CG.Overturned,
    "reduced": CG.Reduced,
    "referred-back": CG.ReferredBack,
}
STATUS = {"occurred": CG.Occurred, "planned": CG.Planned}


def invert(table: dict[str, object]) -> dict[str, str]:
    return {str(v): k for k, v in table.items()}
