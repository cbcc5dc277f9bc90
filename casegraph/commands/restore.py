"""casegraph restore DIR [--store DIR] [--replace]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from casegraph.commands.common import add_passages_option, add_store_option, passages_path
from ingest.backup import restore
from ingest.store import StoreError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "restore",
        help="put a backup made by `casegraph backup` in place as the store",
        description=(
            "Check the backup in DIR (its MANIFEST.json and the number of statements it records), copy it beside "
            "the store and swap it in, with its passage index and graph times. Refuses while the store is in use "
            "and, without --replace, when a store is already there. Exit 0 done, 2 refused or failed."
        ),
    )
    add_store_option(p)
    add_passages_option(p)
    p.add_argument("source", type=Path, metavar="DIR", help="a directory written by `casegraph backup`")
    p.add_argument("--replace", action="store_true", help="replace the store that is there")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if isinstance(args.store, str):
        print(f"{args.store}: a store on a server is restored with the server's own tools", file=sys.stderr)
        return 2
    try:
        summary = restore(args.source, Path(args.store), passages_path(args), replace=args.replace)
    except (StoreError, OSError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"restored {summary.quads} quads in {summary.graphs} graphs into {summary.target}")
    return 0
