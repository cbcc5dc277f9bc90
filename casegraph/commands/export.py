"""casegraph export [--store DIR] --format facts|trig|nquads|turtle|jsonld|ftm --out PATH [--public]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from casegraph.commands.common import add_store_option
from ingest import ids, publication
from ingest.export import facts_file_name, read_all_facts
from ingest.facts_yaml import write_facts
from ingest.store import Store, StoreError, connect
from ingest.store.rdf import Format, serialize
from ingest.store.view import full_view, public_view
from ingest.vocab import PREFIXES

PREFIX_MAP = {name: str(ns) for name, ns in PREFIXES.items()}

RDF_FORMATS = {
    "trig": Format.TRIG,
    "nquads": Format.NQUADS,
    "turtle": Format.TURTLE,
    "jsonld": Format.JSONLD,
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "export",
        help="write the graph as facts YAML (one file per document) or as RDF",
        description=(
            "--format facts reads every document graph back with SPARQL and writes one FORMAT.md YAML file per "
            "source document into the folder --out. The RDF formats write the whole dataset to the file --out "
            "(turtle holds the union of all graphs, without graph names). --format ftm writes FollowTheMoney "
            "entities as JSON lines (the mapping: ingest/ftm/mapping.yaml; needs the ftm extra)."
        ),
    )
    add_store_option(p)
    p.add_argument("--format", required=True, choices=["facts", *RDF_FORMATS, "ftm"])
    p.add_argument("--out", required=True, type=Path, help="folder (facts) or file (RDF, ftm); '-' for stdout")
    p.add_argument(
        "--public",
        action="store_true",
        help="export what the public sees: no withheld document, the public fused view (default: every document)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        # the owner's copy (every document, withheld ones included, no internal graph), or,
        # --public, the public's: for a copy meant to be published
        raw = connect(args.store, read_only=True)
        store = public_view(raw) if args.public else full_view(raw)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        return _export(store, args)
    except StoreError as exc:  # e.g. a store the public view refuses (ingest.texts.check_layout)
        print(exc, file=sys.stderr)
        return 2
    finally:
        store.close()  # releases the store's lock now, not whenever the object is collected


def _export(store: Store, args: argparse.Namespace) -> int:
    if args.format == "ftm":
        return _ftm(store, args.out)
    if args.format == "facts":
        args.out.mkdir(parents=True, exist_ok=True)
        all_facts = read_all_facts(store)
        withheld = publication.withheld_graphs(store)
        for facts in all_facts:
            if str(ids.graph_iri(facts.document.file)) in withheld:
                facts.document.publication = publication.WITHHELD
        for facts in all_facts:
            write_facts(facts, args.out / facts_file_name(facts.document.file))
        print(f"{len(all_facts)} facts files written to {args.out}")
        return 0
    fmt = RDF_FORMATS[args.format]
    if fmt in (Format.TURTLE,):
        triples = {q.triple for q in store.quads()}
        data = serialize(sorted(triples, key=str), fmt, PREFIX_MAP)
    else:
        prefixes = PREFIX_MAP if fmt == Format.TRIG else None
        data = serialize(sorted(store.quads(), key=str), fmt, prefixes)
    if str(args.out) == "-":
        sys.stdout.buffer.write(data or b"")
    else:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_bytes(data or b"")
        print(f"{len(store)} quads written to {args.out}")
    return 0


def _ftm(store: Store, out: Path) -> int:
    """FollowTheMoney JSON lines of what the other formats export (the whole store)."""
    try:
        import followthemoney  # noqa: F401
    except ImportError:
        print(
            "casegraph export --format ftm needs the followthemoney package: pip install 'casegraph[ftm]' "
            "(make install includes it)",
            file=sys.stderr,
        )
        return 2
    from ingest.ftm.export import Report, to_json_lines
    from ingest.ftm.mapping import MappingError, load_mapping

    try:
        mapping = load_mapping()
    except MappingError as exc:
        print(exc, file=sys.stderr)
        return 2
    report = Report()
    lines = list(to_json_lines(store, report=report, mapping=mapping))
    if str(out) == "-":
        sys.stdout.write("".join(lines))
    else:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text("".join(lines), encoding="utf-8")
    counts = ", ".join(f"{n} {schema}" for schema, n in sorted(report.counts.items()))
    print(f"{len(lines)} FtM entities written to {out} ({counts})", file=sys.stderr)
    for problem in report.problems:
        print(f"not exported: {problem}", file=sys.stderr)
    print("FtM cannot express (see ingest/ftm/mapping.yaml): " + "; ".join(mapping.not_expressed), file=sys.stderr)
    return 0
