"""`casegraph SUBCOMMAND ...`: each subcommand lives in casegraph/commands/<name>.py and exposes
`register(subparsers)`, which adds its parser and sets `func(args) -> exit code`."""

from __future__ import annotations

import argparse
import importlib
import sys

COMMANDS = (
    "build",
    "load",
    "validate",
    "export",
    "evaluate",
    "propose_merges",
    "passages",
    "backup",
    "restore",
    "serve",
)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casegraph",
        description="Build, validate, export and serve the CaseGraph knowledge graph of human-rights cases.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        module = importlib.import_module(f"casegraph.commands.{name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
