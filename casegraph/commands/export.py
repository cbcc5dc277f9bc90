"""casegraph export [--store DIR] --format facts|trig|nquads|turtle|jsonld --out PATH"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pyoxigraph as ox

from casegraph.commands.common import add_store_option
from ingest.export import facts_file_name, read_all_facts
from ingest.facts_yaml import write_facts
from ingest.store import QuadStore, StoreError
from ingest.vocab import PREFIXES

PREFIX_MAP = {name: str(ns) for name, ns in PREFIXES.items()}

RDF_FORMATS = {
    "trig": ox.RdfFormat.TRIG,
    "nquads": ox.RdfFormat.N_QUADS,
    "turtle": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "export",
        help="write the graph as facts YAML (one file per document) or as RDF",
        description=(
            "--format facts reads every document graph back with SPARQL and writes one FORMAT.md YAML file per "
            "source document into the folder --out. The RDF formats write the whole dataset to the file --out "
            "(turtle holds the union of all graphs, without graph names)."
        ),
    )
    add_store_option(p)
    p.add_argument("--format", required=True, choices=["facts", *RDF_FORMATS])
    p.add_argument("--out", required=True, type=Path, help="folder (facts) or file (RDF); '-' for stdout (RDF)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        store = QuadStore(args.store, read_only=True)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.format == "facts":
        args.out.mkdir(parents=True, exist_ok=True)
        all_facts = read_all_facts(store)
        for facts in all_facts:
            write_facts(facts, args.out / facts_file_name(facts.document.file))
        print(f"{len(all_facts)} facts files written to {args.out}")
        return 0
    fmt = RDF_FORMATS[args.format]
    if fmt in (ox.RdfFormat.TURTLE,):
        triples = {ox.Triple(q.subject, q.predicate, q.object) for q in store.quads()}
        data = ox.serialize(sorted(triples, key=str), format=fmt, prefixes=PREFIX_MAP)
    else:
        prefixes = PREFIX_MAP if fmt == ox.RdfFormat.TRIG else None
        data = ox.serialize(sorted(store.quads(), key=str), format=fmt, prefixes=prefixes)
    if str(args.out) == "-":
        sys.stdout.buffer.write(data or b"")
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(data or b"")
        print(f"{len(store)} quads written to {args.out}")
    return 0
