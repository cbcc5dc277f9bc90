"""The SPARQL 1.1 service description (answered on GET /sparql without a query)."""

from __future__ import annotations

from ingest.store.terms import IRI, BlankNode, Literal, Triple

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
RDF_TYPE = IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
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


def service_description(endpoint: str, void_iri: str, *, triples: int) -> list[Triple]:
    """What the endpoint offers: SPARQL 1.1 Query only (no Update), the result formats, the
    union default graph, and a pointer to the dataset's VoID description."""
    service = IRI(endpoint)
    dataset = BlankNode("dataset")
    default_graph = BlankNode("defaultGraph")

    def sd(name: str) -> IRI:
        return IRI(SD + name)

    out = [
        Triple(service, RDF_TYPE, sd("Service")),
        Triple(service, sd("endpoint"), service),
        Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        Triple(service, sd("defaultDataset"), dataset),
        Triple(dataset, RDF_TYPE, sd("Dataset")),
        Triple(dataset, IRI(DCT + "source"), IRI(void_iri)),
        Triple(dataset, sd("defaultGraph"), default_graph),
        Triple(default_graph, RDF_TYPE, sd("Graph")),
        Triple(default_graph, IRI("http://rdfs.org/ns/void#triples"), Literal.of(triples)),
        Triple(
            service,
            IRI(DCT + "description"),
            Literal("Read-only SPARQL 1.1 endpoint; the default graph is the union of all graphs."),
        ),
    ]
    out += [Triple(service, sd("resultFormat"), IRI(FORMATS + name)) for name in RESULT_FORMATS]
    return out
