"""The SPARQL 1.1 service description (answered on GET /sparql without a query)."""

from __future__ import annotations

import pyoxigraph as ox

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
DCT = "http://purl.org/dc/terms/"

RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
)
PREFIXES = {"sd": SD, "formats": FORMATS, "dcterms": DCT}


def service_description(endpoint: str, void_iri: str, *, triples: int) -> list[ox.Triple]:
    """What the endpoint offers: SPARQL 1.1 Query only (no Update), the result formats, the
    union default graph, and a pointer to the dataset's VoID description."""
    service = ox.NamedNode(endpoint)
    dataset = ox.BlankNode("dataset")
    default_graph = ox.BlankNode("defaultGraph")

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    out = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, ox.NamedNode(DCT + "source"), ox.NamedNode(void_iri)),
        ox.Triple(dataset, sd("defaultGraph"), default_graph),
        ox.Triple(default_graph, RDF_TYPE, sd("Graph")),
        ox.Triple(default_graph, ox.NamedNode("http://rdfs.org/ns/void#triples"), ox.Literal(triples)),
        ox.Triple(
            service,
            ox.NamedNode(DCT + "description"),
            ox.Literal("Read-only SPARQL 1.1 endpoint; the default graph is the union of all graphs."),
        ),
    ]
    out += [ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS + name)) for name in RESULT_FORMATS]
    return out
