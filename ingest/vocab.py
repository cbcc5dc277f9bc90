"""Namespaces and the mapping from record values to ontology terms.

The ontology itself lives in ontology/casegraph.ttl; this module only names its terms so
that Python code never spells an IRI by hand.
"""

from __future__ import annotations

import os

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

from ingest.event_types import registry

CG = Namespace("https://w3id.org/casegraph/ontology#")
OA = Namespace("http://www.w3.org/ns/oa#")
SCHEMA = Namespace("https://schema.org/")
ORG = Namespace("http://www.w3.org/ns/org#")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
TIME = Namespace("http://www.w3.org/2006/time#")

# Where minted IRIs live. Overridable so a deployment can mint under its own domain; the
# default keeps builds byte-identical between machines.
DEFAULT_BASE = "https://w3id.org/casegraph/"
BASE = os.environ.get("CASEGRAPH_BASE_IRI", DEFAULT_BASE)
ID = Namespace(BASE + "id/")

PREFIXES: dict[str, Namespace] = {
    "cg": CG,
    "oa": OA,
    "schema": SCHEMA,
    "org": ORG,
    "sem": SEM,
    "prov": Namespace(str(PROV)),
    "dct": Namespace(str(DCTERMS)),
    "foaf": Namespace(str(FOAF)),
    "owl": Namespace(str(OWL)),
    "rdf": Namespace(str(RDF)),
    "rdfs": Namespace(str(RDFS)),
    "skos": Namespace(str(SKOS)),
    "xsd": Namespace(str(XSD)),
}

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
