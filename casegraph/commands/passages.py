"""casegraph passages [--store DIR] [--passages FILE] [--rebuild] [QUERY]: the passage index."""

from __future__ import annotations

import argparse
import sys

from casegraph.commands.common import add_passages_option, add_store_option, passages_path
from ingest.passages import PassageIndex, PassageIndexError, QueryError, in_step, rebuild_from
from ingest.store import StoreError, connect


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "passages",
        help="search the stored document texts, or rebuild the passage index from the store",
        description=(
            "The passage index (SQLite FTS5) holds every stored document text in passages of a few sentences; "
            '`casegraph build` keeps it in step. QUERY: words (all must occur), a "phrase in quotes", a '
            "prefix* or OR between two terms. --rebuild makes the index anew from the texts in the store. "
            "Without either, says whether the index is in step with the store. "
            "Exit 0 on success, 1 when the index is out of step or nothing matched, 2 when it cannot be used."
        ),
    )
    add_store_option(p)
    add_passages_option(p)
    p.add_argument("query", nargs="?", help="what to search for")
    p.add_argument("--rebuild", action="store_true", help="rebuild the index from the document texts in the store")
    p.add_argument("--limit", type=int, default=10, help="hits to print (default: %(default)s)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = passages_path(args)
    try:
        if args.rebuild or not args.query:
            store = connect(args.store, read_only=True)  # the index is written, never the store
            index = PassageIndex(path, read_only=not args.rebuild)
            if args.rebuild:
                documents, passages = rebuild_from(index, store)
                print(f"passage index {path}: {documents} documents, {passages} passages")
            else:
                documents, passages = index.counts()
                ok = in_step(index, store)
                state = "in step with" if ok else "OUT OF STEP with (run --rebuild)"
                print(f"passage index {path}: {documents} documents, {passages} passages, {state} store {args.store}")
                if not ok:
                    return 1
            if not args.query:
                return 0
        index = PassageIndex(path, read_only=True)
        total, hits = index.search(args.query, limit=max(1, args.limit))
    except (StoreError, PassageIndexError) as exc:
        print(exc, file=sys.stderr)
        return 2
    except QueryError as exc:
        print(f"query: {exc}", file=sys.stderr)
        return 2
    print(f"{total} passages match {args.query!r}")
    for h in hits:
        print(f"\n{h.document} [{h.start}:{h.end}] score {h.score}\n  {' '.join(h.quote.split())}")
    return 0 if total else 1
