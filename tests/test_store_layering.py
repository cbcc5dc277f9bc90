"""The store seam holds (issue 11): only the store's backends and its syntax module import the
engine, and nothing outside the store package picks a backend by importing it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("casegraph", "api", "ingest")
# Where pyoxigraph may be imported: the embedded backend, and the syntax reader/writer every
# backend shares.
ENGINE_ALLOWED = ("ingest/store/embedded/", "ingest/store/rdf.py")
BACKENDS = ("ingest.store.embedded", "ingest.store.remote")


def imports(path: Path) -> set[str]:
    """Every module `path` imports, at any depth (a function-level import counts too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def sources() -> list[tuple[str, set[str]]]:
    out = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            out.append((path.relative_to(ROOT).as_posix(), imports(path)))
    return out


def test_the_scan_sees_the_engine_where_it_is() -> None:
    # The control: the scanner finds the imports it is meant to find.
    found = dict(sources())
    assert "pyoxigraph" in found["ingest/store/embedded/__init__.py"]
    assert "ingest.store.embedded" in found["ingest/store/__init__.py"]


def test_only_the_backends_import_pyoxigraph() -> None:
    offenders = [
        name
        for name, found in sources()
        if any(m == "pyoxigraph" or m.startswith("pyoxigraph.") for m in found) and not name.startswith(ENGINE_ALLOWED)
    ]
    assert offenders == []


def test_nothing_outside_the_store_imports_a_backend() -> None:
    offenders = [
        name
        for name, found in sources()
        if not name.startswith("ingest/store/") and any(m.startswith(b) for m in found for b in BACKENDS)
    ]
    assert offenders == []


def test_the_api_reads_stores_through_the_protocol() -> None:
    # No `.store.store`: the raw engine object is the backend's own.
    offenders = [
        path.relative_to(ROOT).as_posix()
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
        if not path.relative_to(ROOT).as_posix().startswith("ingest/store/") and ".store.store" in path.read_text()
    ]
    assert offenders == []
