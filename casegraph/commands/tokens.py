"""casegraph tokens add|list|revoke: the tokens partners send as `Authorization: Bearer`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from casegraph.commands.common import add_store_option
from ingest import audit
from ingest.tokens import ENV, SCOPES, TokenError, TokenFile, parse_expiry, tokens_path_for


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "tokens",
        help="add, list or revoke the tokens partners use (read withheld documents, ingest, curate, admin)",
        description=(
            "Tokens live in a file beside the store (<store>.tokens.sqlite, mode 0600; --tokens or "
            f"${ENV} elsewhere); only a slow hash (scrypt) of each is kept. `add` prints the token once, "
            "alone on the last line of its output. Every change is written to the audit trail."
        ),
    )
    tokens = p.add_subparsers(dest="action", metavar="ACTION")
    tokens.required = True
    add = tokens.add_parser("add", help="a new token, printed once")
    add.add_argument("name", help="who the token is for (letters, digits, . _ @ -)")
    add.add_argument(
        "--scope", action="append", required=True, choices=SCOPES, help="what it may do (repeat for several)"
    )
    add.add_argument("--expires", help="YYYY-MM-DD (stops working at 00:00 UTC that day) or an ISO 8601 time")
    lst = tokens.add_parser("list", help="name, scopes, created, expires, revoked (never the secret)")
    revoke = tokens.add_parser("revoke", help="revoke the active token called NAME")
    revoke.add_argument("name")
    for parser in (add, lst, revoke):
        add_store_option(parser)
        parser.add_argument(
            "--tokens",
            type=Path,
            default=Path(os.environ[ENV]) if os.environ.get(ENV) else None,
            help=f"the tokens file (default: ${ENV} or <store>.tokens.sqlite)",
        )
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    path = args.tokens or tokens_path_for(args.store)
    tokens = TokenFile(path)
    try:
        if args.action == "add":
            expires = parse_expiry(args.expires) if args.expires else None
            token = tokens.add(args.name, args.scope, expires)
            scopes = sorted(set(args.scope))
            audit.record(args.store, "token add", detail={"token": args.name, "scopes": scopes})
            print(f"token {args.name} ({', '.join(scopes)}) added to {path}; it is shown once, keep it now:")
            print(token)
            return 0
        if args.action == "revoke":
            info = tokens.revoke(args.name)
            audit.record(args.store, "token revoke", detail={"token": args.name})
            print(f"token {info.name} revoked at {info.revoked}")
            return 0
        rows = tokens.list()
        if not rows:
            print(f"no tokens in {path}")
            return 0
        print("name\tscopes\tcreated\texpires\trevoked")
        for row in rows:
            print(f"{row.name}\t{','.join(row.scopes)}\t{row.created}\t{row.expires or '-'}\t{row.revoked or '-'}")
        return 0
    except (TokenError, ValueError) as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{path}: {exc.strerror or exc}", file=sys.stderr)
        return 2
