"""casegraph evaluate --docs DIR --gold DIR [--json] [--store DIR] [--workers N]"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

from ingest.errors import InputError
from ingest.evaluation import evaluate, format_report, load_gold
from ingest.pipeline import DEFAULT_WORKERS
from ingest.store import StoreError, as_location, connect


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "evaluate",
        help="score extraction against gold facts files",
        description=(
            "Build a fresh store from the documents in --docs, read the facts back with SPARQL and score them "
            "against the gold facts files in --gold (one YAML file per document, FORMAT.md), as FORMAT.md's "
            "Scoring section says. Prints precision/recall/F1 per section, per event type and per argument; the "
            "last line is `event F1 X argument F1 Y`. Exit 0 when scored (documents that failed to build are "
            "listed on stderr and score as missed), 2 when the inputs are unusable."
        ),
    )
    p.add_argument("--docs", type=Path, required=True, help="folder of documents (or curated facts files) to build")
    p.add_argument("--gold", type=Path, required=True, help="folder of gold facts files (*.yaml)")
    p.add_argument("--json", action="store_true", help="print the scores as JSON (errors included)")
    p.add_argument("--details", action="store_true", help="list every miss, spurious fact and wrong value first")
    p.add_argument(
        "--store",
        type=as_location,
        help="build into this store, a directory or a server's URL (default: a temporary one, removed afterwards)",
    )
    p.add_argument(
        "--workers",
        "-j",
        type=int,
        default=DEFAULT_WORKERS,
        help="worker processes for the build (default: %(default)s)",
    )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    for folder, what in ((args.docs, "--docs"), (args.gold, "--gold")):
        if not folder.is_dir():
            print(f"{folder}: no such folder ({what})", file=sys.stderr)
            return 2
    try:
        gold = load_gold(args.gold)
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if not gold:
        print(f"{args.gold}: no gold facts files (*.yaml) here", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="casegraph-evaluate-") as tmp:
        try:
            store = connect(args.store or Path(tmp) / "store")
        except StoreError as exc:
            print(str(exc), file=sys.stderr)
            return 2
        try:
            score, summary = evaluate(args.docs, gold, store, workers=args.workers)
        finally:
            store.close()
    for failure in summary.failures:
        print(f"FAILED {failure}", file=sys.stderr)
    if args.json:
        print(json.dumps({**score.as_dict(), "build_failures": [str(f) for f in summary.failures]}, indent=2))
    else:
        print(format_report(score, details=args.details))
    return 0
