"""`casegraph backup DIR` and `casegraph restore DIR`: a consistent copy of a store, its
passage index and its graph times, taken while the store is being served.

A backup is written into `DIR.partial-<pid>` and renamed to DIR only once complete, with
`MANIFEST.json` written last inside it: a killed backup leaves a `.partial-*` directory
without a manifest, never a DIR that looks complete. Restore refuses a directory without a
manifest, or whose store does not hold the number of statements the manifest records, and
puts the store in place the same way (copy beside, then rename), so a killed restore leaves
the previous store or the restored one, never a mixture.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest.store import StoreError, connect

MANIFEST = "MANIFEST.json"
FORMAT = "casegraph-backup/1"


@dataclass(frozen=True)
class BackupSummary:
    target: Path
    quads: int
    graphs: int

    def __str__(self) -> str:
        return f"backed up {self.quads} quads in {self.graphs} graphs to {self.target}"


def _times_path(store_dir: Path) -> Path:
    return store_dir.with_name(store_dir.name + ".graphs.json")


def _copy_sqlite(source: Path, target: Path) -> None:
    """SQLite's online backup: a consistent copy even while a build writes the index."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()


def backup(store_dir: Path, target: Path, passages: Path | None = None) -> BackupSummary:
    if target.exists():
        raise StoreError(f"{target}: already exists; a backup goes into a new directory")
    partial = target.with_name(f"{target.name}.partial-{os.getpid()}")
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir(parents=True)
    try:
        store = connect(store_dir, read_only=True)
        try:
            store.backup(partial / "store")
            # Counted on the copy, so the manifest describes what was written.
            copy = connect(partial / "store", read_only=True)
            try:
                quads, graphs = len(copy), len(copy.named_graphs())
            finally:
                copy.close()
            (partial / "store.lock").unlink(missing_ok=True)  # the lock that count took, not data
        finally:
            store.close()
        if _times_path(store_dir).is_file():
            shutil.copy2(_times_path(store_dir), partial / "graphs.json")
        if passages is not None and passages.is_file():
            _copy_sqlite(passages, partial / "passages.sqlite")
        manifest = {
            "format": FORMAT,
            "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "source": str(store_dir),
            "quads": quads,
            "graphs": graphs,
            "passages": (partial / "passages.sqlite").is_file(),
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
        partial.rename(target)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    return BackupSummary(target, quads, graphs)


def read_manifest(source: Path) -> dict[str, object]:
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{source}: not a complete backup (no {MANIFEST}; a backup that was stopped?)") from None
    except (OSError, ValueError) as exc:
        raise StoreError(f"{source}/{MANIFEST}: unreadable: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise StoreError(f"{source}/{MANIFEST}: not a {FORMAT} manifest")
    return manifest


def restore(source: Path, store_dir: Path, passages: Path | None = None, *, replace: bool = False) -> BackupSummary:
    manifest = read_manifest(source)
    if store_dir.exists() and any(store_dir.iterdir()) and not replace:
        raise StoreError(f"{store_dir}: a store is already here; pass --replace to put the backup in its place")
    copy = connect(source / "store", read_only=True)
    try:
        quads = len(copy)
    finally:
        copy.close()
    if quads != manifest.get("quads"):
        raise StoreError(f"{source}: the store holds {quads} quads, the manifest says {manifest.get('quads')}")
    if store_dir.exists():
        # Refused while a server, build or load has the store open (StoreError says which).
        connect(store_dir).close()
    incoming = store_dir.with_name(f"{store_dir.name}.restoring-{os.getpid()}")
    shutil.rmtree(incoming, ignore_errors=True)
    shutil.copytree(source / "store", incoming)
    connect(incoming).close()  # opened read-write once: the copy is a usable store
    incoming.with_name(incoming.name + ".lock").unlink(missing_ok=True)
    old = store_dir.with_name(f"{store_dir.name}.replaced-{os.getpid()}")
    if store_dir.exists():
        store_dir.rename(old)
    incoming.rename(store_dir)
    shutil.rmtree(old, ignore_errors=True)
    if (source / "graphs.json").is_file():
        shutil.copy2(source / "graphs.json", _times_path(store_dir))
    if passages is not None and (source / "passages.sqlite").is_file():
        shutil.copy2(source / "passages.sqlite", passages)
    return BackupSummary(store_dir, quads, int(manifest.get("graphs", 0)))  # type: ignore[call-overload]
