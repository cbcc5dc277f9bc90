"""Dataset metadata in VoID and DCAT: what the graph holds, where to get it, under what licence,
when it was last built. Counts come from the store; the build time is the store's last write
(Store.last_modified)."""

from __future__ import annotations

from api.settings import Settings
from ingest.store import Store
from ingest.store.terms import IRI, BlankNode, Literal, Triple
from ingest.vocab import CG

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": DCT, "foaf": FOAF, "xsd": XSD}
# JSON-LD context published inline (never a remote context: clients must not need to fetch).
JSONLD_CONTEXT = {"void": VOID, "dcat": DCAT, "dcterms": DCT, "foaf": FOAF, "xsd": XSD}

DUMPS = {"casegraph.nq": "application/n-quads", "casegraph.trig": "application/trig"}
# Compressed files of a dump (name -> the dump it compresses), served as application/gzip.
COMPRESSED = {"casegraph.nq.gz": "casegraph.nq"}
GZIP = "https://www.iana.org/assignments/media-types/application/gzip"

_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
_DOCUMENTS = f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{CG.Document}> }}"


def void_description(store: Store, settings: Settings, server: str, quads: int) -> list[Triple]:
    """VoID + DCAT triples for the dataset served at `server` (scheme://host:port, no slash)."""
    description = IRI(f"{server}/.well-known/void")
    dataset = IRI(settings.base_iri + "dataset")

    def n(iri: str) -> IRI:
        return IRI(iri)

    documents = int(store.select(_DOCUMENTS)[0]["n"] or 0)
    listed = set(store.named_graphs())  # not a server store's own graph of graph times
    sizes = [row for row in store.select(_GRAPH_SIZES) if row["g"] in listed]
    out = [
        Triple(description, RDF_TYPE, n(VOID + "DatasetDescription")),
        Triple(description, n(FOAF + "primaryTopic"), dataset),
        Triple(dataset, RDF_TYPE, n(VOID + "Dataset")),
        Triple(dataset, RDF_TYPE, n(DCAT + "Dataset")),
        Triple(dataset, n(DCT + "title"), Literal("CaseGraph", language="en")),
        Triple(
            dataset,
            n(DCT + "description"),
            Literal(
                "Human-rights defenders, the authorities that act against them and the legal proceedings "
                "that connect them, extracted from NGO reports; every fact is tied to its source quote.",
                language="en",
            ),
        ),
        Triple(dataset, n(DCT + "license"), n(settings.licence)),
        Triple(dataset, n(VOID + "triples"), Literal.of(quads)),
        Triple(dataset, n(VOID + "documents"), Literal.of(documents)),
        Triple(dataset, n(VOID + "uriSpace"), Literal(settings.base_iri + "id/")),
        Triple(dataset, n(VOID + "sparqlEndpoint"), n(f"{server}/sparql")),
        Triple(dataset, n(VOID + "vocabulary"), n(str(CG))),
    ]
    built = store.last_modified()
    if built is not None:
        stamp = Literal(built.isoformat().replace("+00:00", "Z"), datatype=XSD + "dateTime")
        out.append(Triple(dataset, n(DCT + "modified"), stamp))
    for name, media in DUMPS.items():
        url = n(f"{server}/dumps/{name}")
        dist = BlankNode(f"dist-{name.replace('.', '-')}")
        out += [
            Triple(dataset, n(VOID + "dataDump"), url),
            Triple(dataset, n(DCAT + "distribution"), dist),
            Triple(dist, RDF_TYPE, n(DCAT + "Distribution")),
            Triple(dist, n(DCAT + "downloadURL"), url),
            Triple(dist, n(DCAT + "mediaType"), n(f"https://www.iana.org/assignments/media-types/{media}")),
            Triple(dist, n(DCT + "license"), n(settings.licence)),
        ]
    for name, plain in COMPRESSED.items():
        url = n(f"{server}/dumps/{name}")
        dist = BlankNode(f"dist-{name.replace('.', '-')}")
        out += [
            Triple(dataset, n(VOID + "dataDump"), url),
            Triple(dataset, n(DCAT + "distribution"), dist),
            Triple(dist, RDF_TYPE, n(DCAT + "Distribution")),
            Triple(dist, n(DCAT + "downloadURL"), url),
            Triple(dist, n(DCAT + "mediaType"), n(f"https://www.iana.org/assignments/media-types/{DUMPS[plain]}")),
            Triple(dist, n(DCAT + "compressFormat"), n(GZIP)),
            Triple(dist, n(DCT + "license"), n(settings.licence)),
        ]
    # One subset per named graph (one per source document), with its size.
    for row in sizes:
        subset = n(str(row["g"]))
        out += [
            Triple(dataset, n(VOID + "subset"), subset),
            Triple(subset, RDF_TYPE, n(VOID + "Dataset")),
            Triple(subset, n(VOID + "triples"), Literal.of(int(row["n"] or 0))),
        ]
    return out
