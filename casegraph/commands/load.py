"""casegraph load [--store DIR] FILE...: RDF dataset files -> the store, as they are."""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from pathlib import Path

from casegraph.commands.common import add_passages_option, add_store_option, passages_path
from ingest import audit, changes, publication, texts
from ingest.passages import PassageIndex, PassageIndexError, rebuild_from
from ingest.store import Store, StoreError, connect
from ingest.store.rdf import Format, count_statements

# File extension -> format. Triple formats go into the default graph; datasets keep their graphs.
FORMATS: dict[str, Format] = {
    ".trig": Format.TRIG,
    ".nq": Format.NQUADS,
    ".nquads": Format.NQUADS,
    ".ttl": Format.TURTLE,
    ".turtle": Format.TURTLE,
    ".nt": Format.NTRIPLES,
    ".ntriples": Format.NTRIPLES,
}
FORMAT_NAMES = {
    "trig": Format.TRIG,
    "nquads": Format.NQUADS,
    "turtle": Format.TURTLE,
    "ntriples": Format.NTRIPLES,
}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "load",
        help="load RDF dataset files (TriG, N-Quads, Turtle, N-Triples) into a store as they are",
        description=(
            "Add the quads of each FILE to the store, keeping graph names (TriG, N-Quads); Turtle and "
            "N-Triples go into the default graph. Each file is loaded in one transaction: a file with a "
            "syntax error adds nothing. The passage index is then rebuilt from the store's document texts. "
            "Exit 0 when all loaded, 1 when some failed, 2 when nothing could be done."
        ),
    )
    add_store_option(p)
    add_passages_option(p)
    p.add_argument("files", nargs="+", type=Path, help="RDF files (.trig .nq .ttl .nt)")
    p.add_argument("--format", choices=sorted(FORMAT_NAMES), help="format of every FILE (default: from the extension)")
    p.set_defaults(func=run)


def format_of(path: Path, name: str | None) -> Format:
    if name:
        return FORMAT_NAMES[name]
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValueError(
            f"unknown RDF format (extension {path.suffix or 'none'!r}); use --format or one of "
            f"{', '.join(sorted(FORMATS))}"
        )
    return fmt


def file_hash(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def check_syntax(path: Path, fmt: Format) -> int:
    """Parse the whole file without storing it (raises SyntaxError); the number of quads."""
    return count_statements(path, fmt)


def load_files(
    store: Store, files: list[Path], format_name: str | None = None, location: Path | str | None = None
) -> list[str]:
    """Load each file; return one problem line per file that failed (naming the file).
    A file is parsed in full first, then bulk-loaded: a file with an error adds nothing, and a
    million quads load in seconds (a transactional load is far slower). With `location` (the
    store's), each file loaded is written to the audit trail."""
    problems = []
    for path in files:
        try:
            fmt = format_of(path, format_name)
            check_syntax(path, fmt)
            store.bulk_load_file(path, fmt)
            if location is not None:
                audit.record(location, "load", content_hash=file_hash(path), detail={"file": str(path)})
        except (ValueError, SyntaxError, OSError) as exc:
            problems.append(f"{path}: {str(exc).strip() or type(exc).__name__}")
    texts.migrate(store)  # a dump of an older store keeps the texts in the document graphs
    publication.refresh_union(store)  # loaded graphs are public (ingest.publication)
    # After the union's write too: what is not flushed stays in the engine's write-ahead log,
    # which every read-only open (the server and each of its query workers) replays in full
    # (a minute per open at a million quads).
    store.flush()
    return problems


def run(args: argparse.Namespace) -> int:
    missing = [p for p in args.files if not p.is_file()]
    for p in missing:
        print(f"{p}: no such file", file=sys.stderr)
    files = [p for p in args.files if p.is_file()]
    if not files:
        return 2
    try:
        store = connect(args.store)
    except StoreError as exc:
        print(exc, file=sys.stderr)
        return 2
    started = time.perf_counter()
    before = len(store)
    problems = load_files(store, files, args.format, location=args.store)
    for line in problems:
        print(line, file=sys.stderr)
    try:
        # A loaded file may have written any graph: the changes log hashes them all again.
        changes.sync(store, force=True)
    except StoreError as exc:
        print(f"note: the changes log could not be brought in step: {exc}", file=sys.stderr)
    try:
        index = PassageIndex(passages_path(args))
        try:
            rebuild_from(index, store)
        finally:
            index.close()
    except PassageIndexError as exc:
        print(f"note: the passage index could not be rebuilt: {exc}", file=sys.stderr)
    print(
        f"{len(files) - len(problems)} of {len(files)} files loaded, {len(store) - before} quads added, "
        f"{time.perf_counter() - started:.1f} s, store {args.store} ({len(store)} quads)"
    )
    store.close()
    return 1 if problems or missing else 0
