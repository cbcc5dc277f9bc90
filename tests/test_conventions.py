"""Conventions the code base keeps: dependency direction, documented commands, no seed names."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

from casegraph.cli import COMMANDS, make_parser

ROOT = Path(__file__).resolve().parent.parent
# What api may use of ingest: identifiers, vocabulary, names, the store, the SPARQL file loader,
# the published JSON-LD context and its writer, the changes log (the partners' feed).
# Of the store package, everything but a backend (tests/test_store_layering.py: api reads the
# graph through the Store protocol, whichever backend holds it).
STORE_BACKENDS = ("ingest.store.embedded", "ingest.store.remote")
API_MAY_IMPORT = {
    "ingest",
    "ingest.vocab",
    "ingest.namespaces",
    "ingest.jsonld_context",
    "ingest.jsonld_write",
    "ingest.ids",
    "ingest.names",
    "ingest.groups",  # one union-find for sameAs sets, shared with the exporters
    "ingest.store",
    "ingest.queries",
    "ingest.passages",
    "ingest.changes",
    # A server that writes (api.auth, api.writes, api.routers.writes): the tokens, the audit
    # trail, the job table and the same pipeline and input checks `casegraph build` runs.
    "ingest.tokens",
    "ingest.audit",
    "ingest.jobs",
    "ingest.local_files",
    "ingest.pipeline",
    "ingest.readers",
    "ingest.errors",
    "ingest.facts_yaml",
}


def imports_of(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


@pytest.mark.parametrize("path", sorted((ROOT / "ingest").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_ingest_never_imports_api_or_the_cli(path: Path) -> None:
    bad = {m for m in imports_of(path) if m.split(".")[0] in {"api", "casegraph"}}
    assert not bad, f"{path} imports {bad}: ingest must not depend on the web layer or the CLI"


@pytest.mark.parametrize("path", sorted((ROOT / "api").rglob("*.py")), ids=lambda p: str(p.relative_to(ROOT)))
def test_api_uses_only_the_shared_part_of_ingest(path: Path) -> None:
    bad = {
        m
        for m in imports_of(path)
        if m.split(".")[0] == "ingest"
        and m not in API_MAY_IMPORT
        and not (m.startswith("ingest.store.") and not m.startswith(STORE_BACKENDS))
    }
    assert not bad, f"{path} imports {bad}; api may only use {sorted(API_MAY_IMPORT)}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    name = command.replace("_", "-")
    result = subprocess.run(
        [sys.executable, "-m", "casegraph", name, "--help"], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert "usage: casegraph" in result.stdout
    assert f"casegraph {name}" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_parser_lists_every_command() -> None:
    help_text = make_parser().format_help()
    for command in COMMANDS:
        assert command.replace("_", "-") in help_text


def test_no_seed_case_names_in_extraction_or_api_code() -> None:
    seed_names = re.compile(
        r"bokayev|bokaev|ayanov|talgat|atyrau|petropavlovsk|aktobe|dauleshova|umarova|baityakov|snezhanna", re.I
    )
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("ingest", "api")
        for path in (ROOT / folder).rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".yaml", ".tsv", ".rq", ".html"}
        and seed_names.search(path.read_text(encoding="utf-8", errors="replace"))
    ]
    assert not offenders, f"seed-case names in {offenders}: extraction must work on documents it has never seen"


def test_quick_start_has_exactly_two_commands() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = section.split("```sh", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip()]
    assert [c.split("#")[0].strip() for c in commands] == ["make serve", "make check"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^serve:", makefile, re.M) and re.search(r"^check:", makefile, re.M)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make check" in ci
