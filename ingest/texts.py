"""Source texts in graphs of their own (issue 13 item 7): what a document's full text is
stored as, and who may read it.

A third-party report's full text (`schema:text` on its document node) is the publisher's, not
ours: it is public only where the document's metadata says its licence allows it (sidecar
`text: public`, stored as `cg:textPublic true` on the document node). So the text never sits
in the document's graph, which is public with its document; it is stored alone in the text
graph, the document graph's IRI plus TEXT_SUFFIX:

    GRAPH <…/id/graph/report>      { <…/id/document/report> a cg:Document ; cg:textPublic true ; … }
    GRAPH <…/id/graph/report/text> { <…/id/document/report> schema:text "…" }

both written in one replace (Store.replace_graphs). A text graph is public only while its
document graph is public and says `cg:textPublic true`; every other text graph is hidden from
the public side exactly as a withheld document's graph is (ingest.publication.hidden_graphs,
ingest.store.view), and a `read-withheld` token sees them all. What stays public of a hidden
text: the evidence quotes with their offsets (in the document graph) and passage-search hits
of at most ingest.passages.MAX_PASSAGE characters (ingest.passages reads the texts of the
public documents beneath the public view, and answers only passages).

Stores made before texts had graphs of their own hold `schema:text` inside the document
graphs: `migrate` moves them (a build and a load do it first), and the public view refuses
such a store (`check_layout`: StoreError saying what to run) rather than serve its texts.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, URIRef

from ingest import queries
from ingest.namespaces import ID, SCHEMA
from ingest.store.base import INTERNAL_PREFIX, Store, StoreError
from ingest.store.terms import IRI, Literal

TEXT_SUFFIX = "/text"
_GRAPH_BASE = str(ID) + "graph/"


def text_graph_iri(graph: str) -> str:
    """The text graph of the document graph `graph`."""
    return graph + TEXT_SUFFIX


def is_text_graph(graph: str) -> bool:
    """Whether `graph` is a document's text graph: …/id/graph/ID/text. A document id is a slug
    without a slash, so a document graph (…/id/graph/text for a file text.txt) never is one."""
    if not graph.startswith(_GRAPH_BASE) or not graph.endswith(TEXT_SUFFIX):
        return False
    document_id = graph[len(_GRAPH_BASE) : -len(TEXT_SUFFIX)]
    return bool(document_id) and "/" not in document_id


def document_graph(text_graph: str) -> str:
    """The document graph a text graph belongs to."""
    if not is_text_graph(text_graph):
        raise ValueError(f"not a text graph: {text_graph}")
    return text_graph[: -len(TEXT_SUFFIX)]


def split(graph: Graph) -> tuple[Graph, Graph]:
    """A document's graph as ingest.rdf made it, as (the document graph without its text, the
    text graph): the text statements move, nothing else. The text graph is empty when the
    document has no text (curated facts without one)."""
    from ingest.rdf import new_graph

    name = str(graph.identifier)
    document = new_graph(URIRef(name))
    text = new_graph(URIRef(text_graph_iri(name)))
    for triple in graph:
        (text if triple[1] == SCHEMA.text else document).add(triple)
    return document, text


def replace_document(store: Store, graph: Graph) -> int:
    """Store a document's graph as ingest.rdf made it: its document graph and its text graph
    in one replace (Store.replace_graphs; no text drops a text graph it had). Its statements."""
    document, text = split(graph)
    store.replace_graphs({str(document.identifier): ntriples(document), str(text.identifier): ntriples(text)})
    return len(graph)


def ntriples(graph: Graph) -> str:
    """A graph as N-Triples text ("" for an empty one: Store.replace_graphs then drops it)."""
    return graph.serialize(format="nt", encoding="utf-8").decode("utf-8") if len(graph) else ""


def public_text_documents(store: Store) -> set[str]:
    """The document graphs whose document says its text is public (cg:textPublic true)."""
    return {r["g"] for r in store.select(queries.load("public_texts"), union=False) if r["g"]}


def hidden_texts(store: Store, present: Iterable[str], withheld: set[str]) -> set[str]:
    """The text graphs in `present` the public must not see: each one whose document graph is
    withheld, absent, or does not say its text is public."""
    texts = [g for g in present if is_text_graph(g)]
    if not texts:
        return set()
    allowed = public_text_documents(store) - withheld
    return {g for g in texts if document_graph(g) not in allowed}


def is_public_text(store: Store, text_graph: str, document_public: bool) -> bool:
    """Whether the text graph is public, given whether its document graph is."""
    return document_public and document_graph(text_graph) in public_text_documents(store)


# --- stores made before texts had graphs of their own --------------------------------------


def has_texts_in_document_graphs(store: Store) -> bool:
    """Whether some document graph still holds its document's text (an older layout)."""
    found = store.select(queries.load("texts_in_document_graphs"), {"internal": Literal(INTERNAL_PREFIX)}, union=False)
    return bool(found)


def check_layout(store: Store) -> None:
    """StoreError when the store keeps texts in the document graphs: served as it is, the
    public would read every full text with its document."""
    if has_texts_in_document_graphs(store):
        raise StoreError(
            f"{store.location}: this store keeps the documents' full texts inside their document graphs "
            "(made before texts had graphs of their own), so it cannot be served publicly without publishing "
            f"every text; run `casegraph build --store {store.location} DOCUMENTS...` (or `casegraph load`) "
            "once, which moves them, then serve it again"
        )


def migrate(store: Store) -> bool:
    """Move every text still inside a document graph into its text graph, in one update, and
    rebuild the public union (which held them); True when there was anything to move."""
    from ingest import publication

    if not has_texts_in_document_graphs(store):
        return False
    graphs = [
        r["g"]
        for r in store.select(queries.load("graphs_with_texts"), {"internal": Literal(INTERNAL_PREFIX)}, union=False)
        if r["g"]
    ]
    values = " ".join(str(IRI(g)) for g in graphs)  # IRI terms: nothing but an IRI reaches the text
    update = queries.load("move_texts").replace("#VALUES ?g", f"VALUES ?g {{ {values} }}", 1)
    store.update(update, touched=[*graphs, *(text_graph_iri(g) for g in graphs)])
    publication.refresh_union(store)
    return True
