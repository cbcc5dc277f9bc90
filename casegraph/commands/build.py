"""casegraph build [--store DIR] [PATHS...]"""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from casegraph.commands.common import add_store_option
from ingest.pipeline import Failure, build, discover
from ingest.store import QuadStore, StoreError

DEFAULT_DOCUMENTS = Path("data/documents")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "build",
        help="documents (txt/html/pdf) and facts files (.yaml) -> the store",
        description=(
            "Read each document or curated facts file, extract its facts, validate them with SHACL and store "
            "them in the document's own named graph. A failing document is reported and skipped; the rest "
            "are stored. Exit 0 when all succeeded, 1 when some failed, 2 when nothing could be done."
        ),
    )
    add_store_option(p)
    p.add_argument(
        "paths", nargs="*", type=Path, default=[DEFAULT_DOCUMENTS], help="files or folders (default: %(default)s)"
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    err = Console(stderr=True)
    missing = [p for p in args.paths if not p.exists()]
    for p in missing:
        err.print(f"{p}: no such file or folder")
    paths = [p for p in args.paths if p.exists()]
    if not paths:
        return 2
    try:
        store = QuadStore(args.store)
    except StoreError as exc:
        err.print(str(exc))
        return 2
    total = len(discover(paths))
    with Progress(
        TextColumn("[bold]building"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=err,
        disable=args.quiet or not err.is_terminal,
    ) as progress:
        task = progress.add_task("", total=total)

        def on_progress(path: Path, failure: Failure | None) -> None:
            if failure:
                progress.console.print(f"[red]FAILED[/red] {failure}", markup=True, highlight=False)
            progress.update(task, advance=1, description=path.name)

        summary = build(paths, store, on_progress)
    print(
        f"{summary.documents} documents stored, {summary.triples} triples, "
        f"{len(summary.failures)} failed, {summary.seconds:.1f} s, store {args.store} ({len(store)} quads)"
    )
    if summary.failures:
        return 1
    return 0 if not missing else 1
