"""casegraph audit [--since DATE] [--json]: the store's audit trail (who wrote what, when)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from casegraph.commands.common import add_store_option
from ingest.audit import ENV, audit_path_for, parse_since, read

SHOWN = ("at", "who", "what", "document", "content_hash")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "audit",
        help="print the audit trail: every build, load, upload, curation, publication change and token change",
        description=(
            "The store's append-only audit trail (<store>.audit.jsonl, or --audit / "
            f"${ENV}): one line per write, oldest first."
        ),
    )
    add_store_option(p)
    p.add_argument("--since", help="only lines from this date (YYYY-MM-DD) or ISO 8601 time on")
    p.add_argument("--json", action="store_true", help="the lines as they are stored (JSON Lines)")
    p.add_argument("--audit", type=Path, help=f"the audit file (default: ${ENV} or <store>.audit.jsonl)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = args.audit or audit_path_for(args.store)
    try:
        since = parse_since(args.since) if args.since else None
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    try:
        for line in read(path, since):
            if args.json:
                print(json.dumps(line, ensure_ascii=False))
                continue
            rest = {k: v for k, v in line.items() if k not in SHOWN and k != "store"}
            cells = [str(line.get(k) or "-") for k in SHOWN]
            extra = " ".join(f"{k}={json.dumps(v, ensure_ascii=False)}" for k, v in rest.items())
            print("\t".join(cells) + (f"\t{extra}" if extra else ""))
    except OSError as exc:
        print(f"{path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    return 0
