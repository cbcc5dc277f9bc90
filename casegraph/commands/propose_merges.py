"""casegraph propose-merges [--store DIR] [--threshold N] [--json]

Lists people and organisations in the store whose names are alike enough to be one entity,
with their scores, for a person to review. Nothing is merged: a reviewer writes the decision
(same / not-same) into data/resolver.tsv, and the next build applies it.
"""

from __future__ import annotations

import argparse
import json
import sys

from casegraph.commands.common import add_store_option
from ingest.queries import load, split
from ingest.resolve import Entity, ResolverFileError, propose, resolver
from ingest.store import Store, StoreError, connect
from ingest.store.view import full_view


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "propose-merges",
        help="list likely duplicate people and organisations (never merges)",
        description=(
            "Compare the names of every person and organisation in the store (transliteration-folded, "
            "token order ignored, with rapidfuzz) and list pairs of distinct entities scoring at least "
            "--threshold, best first. Pairs already decided in data/resolver.tsv (same or not-same) are left "
            "out. Nothing is changed: record a reviewed decision in data/resolver.tsv and rebuild. "
            "Exit 0 when listed (even if empty), 2 when the store or the resolver file is unusable."
        ),
    )
    add_store_option(p)
    p.add_argument("--threshold", type=float, default=85.0, help="minimum score, 0-100 (default: %(default)s)")
    p.add_argument("--json", action="store_true", help="print the candidates as JSON")
    p.set_defaults(func=run)


def entities(store: Store) -> list[Entity]:
    return [
        Entity(
            iri=r["entity"] or "",
            kind=r["kind"] or "",
            names=tuple(split(r["names"])),
            documents=tuple(split(r["documents"])),
            same_as=tuple(split(r["sameAs"])),
        )
        for r in store.select(load("resolution_entities"))
    ]


def run(args: argparse.Namespace) -> int:
    if not 0 <= args.threshold <= 100:
        print("--threshold must be between 0 and 100", file=sys.stderr)
        return 2
    try:
        store = full_view(connect(args.store, read_only=True))  # withheld documents too, no internal graph
        candidates = propose(entities(store), args.threshold, resolver())
    except (StoreError, ResolverFileError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps([c.as_dict() for c in candidates], indent=2, ensure_ascii=False))
        return 0
    if not candidates:
        print(f"no candidates at threshold {args.threshold:g}")
        return 0
    for c in candidates:
        print(f"{c.score:5.1f}  {c.kind:12s}  {c.names[0]!r} ~ {c.names[1]!r}")
        print(f"       {c.a.iri}  ({', '.join(c.a.documents) or 'no document'})")
        print(f"       {c.b.iri}  ({', '.join(c.b.documents) or 'no document'})")
    print(f"{len(candidates)} candidate(s); record reviewed decisions in data/resolver.tsv and rebuild")
    return 0
