"""Dataset metadata in VoID and DCAT: what the graph holds, where to get it, under what licence,
when it was last built. Counts come from the store; the build time is the store's last write
(Store.last_modified)."""

from __future__ import annotations

from dataclasses import dataclass, field

from api.settings import Settings
from ingest.store import Store
from ingest.store.terms import IRI, BlankNode, Literal, Triple
from ingest.vocab import CG

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
FOAF = "http://xmlns.com/foaf/0.1/"
XSD = "http://www.w3.org/2001/XMLSchema#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
OWL = "http://www.w3.org/2002/07/owl#"
CGNS = str(CG)
RDF_TYPE = IRI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
PREFIXES = {
    "void": VOID,
    "dcat": DCAT,
    "dcterms": DCT,
    "foaf": FOAF,
    "xsd": XSD,
    "vcard": VCARD,
    "owl": OWL,
    "cg": CGNS,
}
# JSON-LD context published inline (never a remote context: clients must not need to fetch).
JSONLD_CONTEXT = dict(PREFIXES)
# A source whose metadata states no licence: its publisher keeps every right (never assumed open).
ALL_RIGHTS_RESERVED = "All rights reserved by the publisher: no licence stated; the full text is not published."
RIGHTS = (
    "CaseGraph's own statements (the facts extracted from the sources, the fused view) are under the "
    "dataset's dct:license. Each source document (dct:source of its graph's subset) stays under its "
    "publisher's licence; its full text is published only where that licence allows (cg:textPublic), "
    "otherwise only short passages (evidence quotes)."
)

DUMPS = {"casegraph.nq": "application/n-quads", "casegraph.trig": "application/trig"}
# Compressed files of a dump (name -> the dump it compresses), served as application/gzip.
COMPRESSED = {"casegraph.nq.gz": "casegraph.nq"}
GZIP = "https://www.iana.org/assignments/media-types/application/gzip"

_GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
_DOCUMENTS = f"SELECT (COUNT(DISTINCT ?d) AS ?n) WHERE {{ ?d a <{CG.Document}> }}"
_SOURCES = f"""SELECT ?g ?d ?licence ?text ?name WHERE {{ GRAPH ?g {{
  ?d a <{CG.Document}> ; <{CG.namedGraph}> ?g .
  OPTIONAL {{ ?d <{DCT}license> ?licence }}
  OPTIONAL {{ ?d <{CG.textPublic}> ?text }}
  OPTIONAL {{ ?d <{CG.publisherName}> ?name }}
}} }} ORDER BY ?g ?name"""


@dataclass
class _Source:
    document: str
    licence: str | None
    text_public: bool
    names: list[str] = field(default_factory=list)


def _agent(name: str, key: str) -> tuple[IRI | BlankNode, list[Triple]]:
    """A publisher named by a URL (its IRI) or by a name (a foaf:Agent with that name)."""
    if name.startswith(("http://", "https://")):
        return IRI(name), []
    node = BlankNode(key)
    return node, [Triple(node, RDF_TYPE, IRI(FOAF + "Agent")), Triple(node, IRI(FOAF + "name"), Literal(name))]


def _contact(contact: str) -> list[Triple]:
    node = BlankNode("contact")
    if contact.startswith(("http://", "https://")):
        link = Triple(node, IRI(VCARD + "hasURL"), IRI(contact))
    else:
        address = contact if contact.startswith("mailto:") else "mailto:" + contact
        link = Triple(node, IRI(VCARD + "hasEmail"), IRI(address))
    return [Triple(node, RDF_TYPE, IRI(VCARD + "Kind")), link]


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
        Triple(dataset, n(DCT + "rights"), Literal(RIGHTS, language="en")),
        Triple(dataset, n(OWL + "versionInfo"), Literal(settings.version)),
        Triple(dataset, n(DCAT + "version"), Literal(settings.version)),
        Triple(dataset, n(VOID + "triples"), Literal.of(quads)),
        Triple(dataset, n(VOID + "documents"), Literal.of(documents)),
        Triple(dataset, n(VOID + "uriSpace"), Literal(settings.base_iri + "id/")),
        Triple(dataset, n(VOID + "sparqlEndpoint"), n(f"{server}/sparql")),
        Triple(dataset, n(VOID + "vocabulary"), n(str(CG))),
    ]
    if settings.publisher:
        agent, described = _agent(settings.publisher, "publisher")
        out += [Triple(dataset, n(DCT + "publisher"), agent), *described]
    if settings.contact:
        contact = _contact(settings.contact)
        out += [Triple(dataset, n(DCAT + "contactPoint"), contact[0].subject), *contact]
    built = store.last_modified()
    if built is not None:
        # The release is the last build: issued and modified both say when it was made.
        stamp = Literal(built.isoformat().replace("+00:00", "Z"), datatype=XSD + "dateTime")
        out.append(Triple(dataset, n(DCT + "modified"), stamp))
        out.append(Triple(dataset, n(DCT + "issued"), stamp))
    # Each dump, plain or gzip-compressed, is one distribution under our licence.
    dumps = [(name, media, False) for name, media in DUMPS.items()]
    dumps += [(name, DUMPS[plain], True) for name, plain in COMPRESSED.items()]
    for name, media, compressed in dumps:
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
        if compressed:
            out.append(Triple(dist, n(DCAT + "compressFormat"), n(GZIP)))
    # One subset per named graph (one per source document), with its size; a document's graph
    # names its source and the source's licence (its publisher's), or that none is stated.
    sources: dict[str, _Source] = {}
    for row in store.select(_SOURCES, union=False):
        if row["g"] not in listed or not row["d"]:
            continue
        kept = sources.setdefault(str(row["g"]), _Source(row["d"], row["licence"], row["text"] in ("true", "1")))
        if row["name"] and row["name"] not in kept.names:
            kept.names.append(row["name"])
    for row in sizes:
        subset = n(str(row["g"]))
        out += [
            Triple(dataset, n(VOID + "subset"), subset),
            Triple(subset, RDF_TYPE, n(VOID + "Dataset")),
            Triple(subset, n(VOID + "triples"), Literal.of(int(row["n"] or 0))),
        ]
        found = sources.get(str(row["g"]))
        if found is None:
            continue
        source = found
        doc = n(source.document)
        out.append(Triple(subset, n(DCT + "source"), doc))
        if source.licence:
            out.append(Triple(doc, n(DCT + "license"), n(source.licence)))
        else:
            out.append(Triple(doc, n(DCT + "rights"), Literal(ALL_RIGHTS_RESERVED, language="en")))
        out.append(Triple(doc, n(CGNS + "textPublic"), Literal.of(source.text_public)))
        for i, name in enumerate(source.names):
            agent, described = _agent(name, f"publisher-{len(out)}-{i}")
            out += [Triple(doc, n(DCT + "publisher"), agent), *described]
    return out
