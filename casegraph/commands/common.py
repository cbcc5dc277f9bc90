"""Options shared by several subcommands."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ingest.store import DEFAULT_STORE, as_location


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        type=as_location,
        default=as_location(os.environ.get("CASEGRAPH_STORE", str(DEFAULT_STORE))),
        help="a store directory, or a SPARQL 1.1 server's URL such as http://127.0.0.1:7878 (an `oxigraph serve`; "
        "other servers: see README 'Running on a database server') (default: $CASEGRAPH_STORE or %(default)s)",
    )


def add_passages_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--passages",
        type=Path,
        default=Path(os.environ["CASEGRAPH_PASSAGES"]) if os.environ.get("CASEGRAPH_PASSAGES") else None,
        help="the passage index (SQLite) to keep in step (default: $CASEGRAPH_PASSAGES or <store>.passages.sqlite)",
    )


def passages_path(args: argparse.Namespace) -> Path:
    """The passage index the command works on: --passages, else the one beside the store."""
    from ingest.passages import index_path_for

    return Path(args.passages) if getattr(args, "passages", None) else index_path_for(args.store)
