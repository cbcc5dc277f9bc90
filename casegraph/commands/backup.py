"""casegraph backup DIR [--store DIR]"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from casegraph.commands.common import add_passages_option, add_store_option, passages_path
from ingest.backup import backup
from ingest.store import StoreError


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "backup",
        help="a consistent copy of the store (and its passage index) into a new directory",
        description=(
            "Copy the store, its passage index and its graph times into DIR, consistently, while the store is "
            "served. The copy is written beside DIR and renamed to DIR when complete (with MANIFEST.json inside), "
            "so a stopped backup never leaves a DIR that looks complete. Restore it with `casegraph restore DIR`. "
            "Exit 0 done, 2 when it could not be made (the store in use by a build, DIR exists, disk full)."
        ),
    )
    add_store_option(p)
    add_passages_option(p)
    p.add_argument("target", type=Path, metavar="DIR", help="the new directory to write the backup into")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if isinstance(args.store, str):
        print(f"{args.store}: a store on a server is backed up with the server's own tools", file=sys.stderr)
        return 2
    try:
        summary = backup(Path(args.store), args.target, passages_path(args))
    except (StoreError, OSError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(summary)
    return 0
