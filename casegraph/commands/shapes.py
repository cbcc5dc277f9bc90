"""casegraph shapes --out FILE: the bundled SHACL shapes and the ontology as one Turtle file, for
users of plain pyshacl: `pyshacl -s FILE -i none data.ttl` gives the verdict `casegraph validate`
gives (the ontology travels in the shapes graph, so pass `-e FILE` too for subclass targeting,
or use `--ont-graph`: see the README)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "shapes",
        help="write the bundled SHACL shapes and the ontology as one Turtle file (for plain pyshacl)",
        description="Write shapes/*.ttl and ontology/*.ttl merged into one Turtle file.",
    )
    p.add_argument("--out", required=True, type=Path, help="the file to write ('-' for stdout)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rdflib import Graph

    from ingest.validate import ontology_graph, shapes_graph

    merged = Graph()
    for source in (shapes_graph(), ontology_graph()):
        for prefix, namespace in source.namespaces():
            merged.bind(prefix, namespace, override=False)
        merged += source
    text = merged.serialize(format="turtle")
    if str(args.out) == "-":
        sys.stdout.write(text)
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        print(f"{len(merged)} triples (shapes and ontology) written to {args.out}", file=sys.stderr)
    return 0
