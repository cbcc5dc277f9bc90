"""The namespaces CaseGraph uses and the prefixes it writes them with. Free of everything but
rdflib, so the light validator install (rdflib + pyshacl) can import it; ingest.vocab
re-exports these names."""

from __future__ import annotations

import os

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, XSD

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
