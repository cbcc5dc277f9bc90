"""casegraph publish DOC... / casegraph withhold DOC... [--store STORE]

Change the publication state of documents (ingest.publication) and say, per document, what
changed. DOC is a document's file name (`003_report.txt`), its id (the file stem), or its
graph or document IRI. The fused views are computed from the documents, not documents
themselves: naming one is refused. An unknown DOC stops the command before anything changes
(exit 2, naming it)."""

from __future__ import annotations

import argparse
import sys

from casegraph.commands.common import add_store_option
from ingest import audit, ids, publication, texts
from ingest.pipeline import refresh_fused_views
from ingest.store import Store, StoreError, connect


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    for name, state, what in (
        ("publish", publication.PUBLIC, "make documents public: served on every public path"),
        (
            "withhold",
            publication.WITHHELD,
            "withhold documents: no public path shows them, their names or their counts",
        ),
    ):
        p = sub.add_parser(
            name,
            help=what,
            description=(
                f"{what[0].upper()}{what[1:]}. DOC is a file name, a document id (the file stem) or a graph or "
                "document IRI. Prints one line per document ('withheld: ID (was public)', 'unchanged: ID (public)'), "
                "then rebuilds the fused views (the public one from public documents only). Exit 0 when done, 2 for "
                "an unknown document or an unusable store (nothing is changed then)."
            ),
        )
        add_store_option(p)
        p.add_argument("documents", nargs="+", metavar="DOC", help="file name, document id, or graph/document IRI")
        p.set_defaults(func=run, state=state)


def graph_of(doc: str) -> str:
    """The graph IRI `doc` names (it may not exist)."""
    base = str(ids.ID)
    if doc.startswith(base + "document/"):
        return base + "graph/" + doc[len(base + "document/") :]
    if doc.startswith(("http://", "https://", "urn:")):
        return doc
    return str(ids.graph_iri(doc))


def resolve(store: Store, docs: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """([(DOC as given, graph IRI)], problems) for the documents named."""
    present = set(store.named_graphs())
    fused = {str(ids.fused_graph_iri()), publication.FULL_FUSED_GRAPH}
    found: list[tuple[str, str]] = []
    problems: list[str] = []
    for doc in docs:
        graph = graph_of(doc)
        if graph in fused or publication.is_internal(graph):
            problems.append(f"{doc}: a fused view, not a document (it follows the documents' states)")
        elif texts.is_text_graph(graph):
            problems.append(
                f"{doc}: a document's text, not a document (it follows its document's state and, "
                "for the public, the `text:` of its metadata)"
            )
        elif graph not in present:
            problems.append(f"{doc}: no such document in the store")
        else:
            found.append((doc, graph))
    return found, problems


def _audit(args: argparse.Namespace, graph: str, before: str) -> None:
    """The audit trail hears of the change (who: the local user); a trail that cannot be
    written is said, not fatal: the state is changed already."""
    try:
        audit.record(
            args.store,
            "publish" if args.state == publication.PUBLIC else "withhold",
            document=graph.replace("/id/graph/", "/id/document/", 1),
            detail={"graph": graph, "before": before},
        )
    except OSError as exc:
        print(f"note: the audit trail was not written: {exc}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    try:
        store = connect(args.store)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        found, problems = resolve(store, args.documents)
        if problems:
            for line in problems:
                print(line, file=sys.stderr)
            return 2
        changed = False
        for _doc, graph in dict.fromkeys(found):
            before = publication.state_of(store, graph)
            label = graph.rsplit("/", 1)[-1]
            if publication.set_state(store, graph, args.state):
                changed = True
                print(f"{args.state}: {label} (was {before})")
                _audit(args, graph, before)
            else:
                print(f"unchanged: {label} ({before})")
        if changed:
            print(refresh_fused_views(store), file=sys.stderr)
        store.flush()
    except StoreError as exc:
        print(f"{args.store}: {exc}", file=sys.stderr)
        return 2
    finally:
        store.close()
    return 0
