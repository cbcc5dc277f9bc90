"""casegraph build [--store DIR] [--workers N] [PATHS...]"""

from __future__ import annotations

import argparse
import signal
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from casegraph.commands.common import add_passages_option, add_store_option, passages_path
from ingest import audit
from ingest.passages import PassageIndex, PassageIndexError
from ingest.pipeline import DEFAULT_WORKERS, Failure, Outcome, build, discover, summary_line
from ingest.store import Store, StoreError, connect

DEFAULT_DOCUMENTS = Path("data/documents")


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "build",
        help="documents (txt/html/pdf) and facts files (.yaml) -> the store",
        description=(
            "Read each document or curated facts file, extract its facts, validate them with SHACL and store "
            "them in the document's own named graph (replacing that graph if the document was built before). "
            "A failing document is reported on one line (file: problem) and skipped; the rest are stored. "
            "A document may have metadata in a sidecar NAME.meta.yaml (publishers, published, reference, "
            "language, url, title, publication: public|withheld; a document is public unless its metadata says "
            "withheld, and one already withheld stays withheld). Each document is stored as soon as it is validated; "
            "a file whose stored graph "
            "was built from the same bytes by the same extractor is skipped (see --force), so a build that was "
            "stopped resumes where it stopped. Exit 0 when all succeeded, 1 when some failed, 2 when nothing "
            "could be done or the store can take no more writes (disk full, read-only)."
        ),
    )
    add_store_option(p)
    add_passages_option(p)
    p.add_argument(
        "paths",
        nargs="*",
        type=Path,
        default=[DEFAULT_DOCUMENTS],
        help=f"files or folders (default: {DEFAULT_DOCUMENTS})",
    )
    p.add_argument(
        "--workers",
        "-j",
        type=int,
        default=DEFAULT_WORKERS,
        help="worker processes for extraction and validation; 0 = in this process (default: %(default)s)",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="build every file again, even those whose stored graph was built from the same bytes by the same "
        "extractor (by default they are skipped, so a build that was stopped resumes where it stopped)",
    )
    p.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    p.set_defaults(func=run)


def _terminate(signum: int, frame: object) -> None:
    # SIGTERM unwinds like Ctrl-C, so the worker pool is stopped instead of orphaned.
    raise SystemExit(128 + signum)


def run(args: argparse.Namespace) -> int:
    signal.signal(signal.SIGTERM, _terminate)
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    missing = [p for p in args.paths if not p.exists()]
    for p in missing:
        err.print(f"{p}: no such file or folder", markup=False)
    paths = [p for p in args.paths if p.exists()]
    if not paths:
        return 2
    try:
        store = connect(args.store)
    except StoreError as exc:
        err.print(str(exc), markup=False)
        return 2
    try:
        return _build_into(store, args, paths, missing, err)
    finally:
        store.close()  # releases the store's lock now, not whenever the object is collected


def _build_into(store: Store, args: argparse.Namespace, paths: list[Path], missing: list[Path], err: Console) -> int:
    try:
        passages: PassageIndex | None = PassageIndex(passages_path(args))
    except PassageIndexError as exc:
        err.print(f"{exc}; building without passage search (rebuild it later)", markup=False)
        passages = None
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
                progress.console.print(f"FAILED {failure}", markup=False)
            progress.update(task, advance=1, description=path.name)

        audit_failed: list[str] = []

        def on_stored(outcome: Outcome) -> None:
            if audit_failed:
                return
            try:
                audit.record(
                    args.store,
                    "build",
                    document=outcome.document,
                    content_hash=outcome.content_hash,
                    detail={"graph": outcome.graph, "file": outcome.path, "curated": outcome.curated},
                )
            except OSError as exc:  # the graph is stored; say once that the trail missed it
                audit_failed.append(str(exc))

        try:
            summary = build(
                paths,
                store,
                on_progress,
                workers=args.workers,
                passages=passages,
                force=args.force,
                on_stored=on_stored,
            )
        except StoreError as exc:  # disk full, read-only: nothing more can be stored
            err.print(f"{args.store}: {exc}", markup=False)
            return 2
        finally:
            if passages is not None:
                passages.close()
    if summary.fused:
        err.print(summary.fused, markup=False)
    for note in summary.notes:
        err.print(f"note: {note}", markup=False)
    if audit_failed:
        err.print(f"note: the audit trail could not be written: {audit_failed[0]}", markup=False)
    print(f"{summary_line(summary)}, store {args.store} ({len(store)} quads)")

    if summary.failures:
        return 1
    return 0 if not missing else 1
