"""Options shared by several subcommands."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from ingest.store import DEFAULT_STORE


def add_store_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        type=Path,
        default=Path(os.environ.get("CASEGRAPH_STORE", str(DEFAULT_STORE))),
        help="on-disk store directory (default: $CASEGRAPH_STORE or %(default)s)",
    )
