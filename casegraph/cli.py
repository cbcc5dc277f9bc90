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
    "shapes",
    "export",
    "evaluate",
    "propose_merges",
    "passages",
    "publish",
    "backup",
    "restore",
    "serve",
    "tokens",
    "audit",
)
# What the light install (`pip install casegraph`: rdflib + pyshacl only) can run; the others
# need `pip install 'casegraph[app]'` and say so instead of failing with an ImportError.
LIGHT_COMMANDS = ("validate", "shapes")


def _needs_full_install(name: str, missing: str) -> argparse.ArgumentParser:
    def run(_args: argparse.Namespace) -> int:
        print(
            f"casegraph {name} needs the full install ({missing} is missing): pip install 'casegraph[app]'",
            file=sys.stderr,
        )
        return 2

    parser = argparse.ArgumentParser(add_help=False)
    parser.set_defaults(func=run)
    return parser


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casegraph",
        description="Build, validate, export and serve the CaseGraph knowledge graph of human-rights cases.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMANDS:
        try:
            module = importlib.import_module(f"casegraph.commands.{name}")
        except ModuleNotFoundError as exc:
            if name in LIGHT_COMMANDS:
                raise
            stub = sub.add_parser(name, help="(needs the full install)", add_help=False)
            stub.set_defaults(func=_needs_full_install(name, exc.name or "a dependency").get_default("func"))
            stub.add_argument("rest", nargs=argparse.REMAINDER)
            continue
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
