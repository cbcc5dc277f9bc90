"""Dataset metadata in VoID and DCAT: what the graph holds, where to get it, under what licence,
when it was last built. Counts come from the store; the build time is the store's last write."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox

from api.settings import Settings
from ingest.store import QuadStore
from ingest.vocab import CG

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREFIXES = {"void": VOID, "dcat": DCAT, "dcterms": DCT, "foaf": FOAF, "xsd": XSD}
# JSON-LD context published inline (never a remote context: clients must not need to fetch).
JSONLD_CONTEXT = {"void": VOID, "dcat": DCAT, "dcterms": DCT, "foaf": FOAF, "xsd": XSD}

DUMPS = {"casegraph.nq": "application/n-quads", "casegraph.trig": "application/trig"}

_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
_DOCUMENTS = f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{CG.Document}> }}"


def last_build(store_path: Path) -> datetime | None:
    """When the store was last written: its newest data file (RocksDB's *.sst; opening a store
    read-write rewrites its log and options files without changing the data)."""
    try:
        files = [p for p in store_path.iterdir() if p.is_file()]
        data = [p for p in files if p.suffix == ".sst"] or files
        newest = max(p.stat().st_mtime for p in data)
    except (OSError, ValueError):
        return None
    return datetime.fromtimestamp(newest, UTC).replace(microsecond=0)


def void_description(store: QuadStore, settings: Settings, server: str, quads: int) -> list[ox.Triple]:
    """VoID + DCAT triples for the dataset served at `server` (scheme://host:port, no slash)."""
    description = ox.NamedNode(f"{server}/.well-known/void")
    dataset = ox.NamedNode(settings.base_iri + "dataset")

    def n(iri: str) -> ox.NamedNode:
        return ox.NamedNode(iri)

    documents = int(store.select(_DOCUMENTS)[0]["n"] or 0)
    sizes = store.select(_GRAPH_SIZES)
    out = [
        ox.Triple(description, RDF_TYPE, n(VOID + "DatasetDescription")),
        ox.Triple(description, n(FOAF + "primaryTopic"), dataset),
        ox.Triple(dataset, RDF_TYPE, n(VOID + "Dataset")),
        ox.Triple(dataset, RDF_TYPE, n(DCAT + "Dataset")),
        ox.Triple(dataset, n(DCT + "title"), ox.Literal("CaseGraph", language="en")),
        ox.Triple(
            dataset,
            n(DCT + "description"),
            ox.Literal(
                "Human-rights defenders, the authorities that act against them and the legal proceedings "
                "that connect them, extracted from NGO reports; every fact is tied to its source quote.",
                language="en",
            ),
        ),
        ox.Triple(dataset, n(DCT + "license"), n(settings.licence)),
        ox.Triple(dataset, n(VOID + "triples"), ox.Literal(quads)),
        ox.Triple(dataset, n(VOID + "documents"), ox.Literal(documents)),
        ox.Triple(dataset, n(VOID + "uriSpace"), ox.Literal(settings.base_iri + "id/")),
        ox.Triple(dataset, n(VOID + "sparqlEndpoint"), n(f"{server}/sparql")),
        ox.Triple(dataset, n(VOID + "vocabulary"), n(str(CG))),
    ]
    built = last_build(settings.store)
    if built is not None:
        stamp = ox.Literal(built.isoformat().replace("+00:00", "Z"), datatype=n(XSD + "dateTime"))
        out.append(ox.Triple(dataset, n(DCT + "modified"), stamp))
    for name, media in DUMPS.items():
        url = n(f"{server}/dumps/{name}")
        dist = ox.BlankNode(f"dist-{name.replace('.', '-')}")
        out += [
            ox.Triple(dataset, n(VOID + "dataDump"), url),
            ox.Triple(dataset, n(DCAT + "distribution"), dist),
            ox.Triple(dist, RDF_TYPE, n(DCAT + "Distribution")),
            ox.Triple(dist, n(DCAT + "downloadURL"), url),
            ox.Triple(dist, n(DCAT + "mediaType"), n(f"https://www.iana.org/assignments/media-types/{media}")),
            ox.Triple(dist, n(DCT + "license"), n(settings.licence)),
        ]
    # One subset per named graph (one per source document), with its size.
    for row in sizes:
        subset = n(str(row["g"]))
        out += [
            ox.Triple(dataset, n(VOID + "subset"), subset),
            ox.Triple(subset, RDF_TYPE, n(VOID + "Dataset")),
            ox.Triple(subset, n(VOID + "triples"), ox.Literal(int(row["n"] or 0))),
        ]
    return out
