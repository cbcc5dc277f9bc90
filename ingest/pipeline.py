"""Build: files -> facts -> one named graph each -> SHACL -> store, one document at a time.

A document either lands whole in its own graph or not at all; a failure is reported as one
line naming the file and the problem and never stops the batch.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph

from ingest.errors import InputError
from ingest.extract import extract_facts
from ingest.facts_yaml import read_facts
from ingest.model import Facts
from ingest.rdf import facts_to_graph
from ingest.readers import DOCUMENT_SUFFIXES, read_document
from ingest.store import QuadStore
from ingest.validate import validate_graph

FACTS_SUFFIXES = (".yaml", ".yml")
SIDECAR_SUFFIX = ".meta.yaml"


@dataclass
class Failure:
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass
class BuildSummary:
    documents: int = 0
    triples: int = 0
    failures: list[Failure] = field(default_factory=list)
    seconds: float = 0.0


def discover(paths: Iterable[Path]) -> list[Path]:
    """Documents and facts files under `paths`, in a stable order (sidecars excluded)."""
    found: list[Path] = []
    for path in paths:
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for p in candidates:
            name = p.name.lower()
            if name.endswith(SIDECAR_SUFFIX) or name.startswith("."):
                continue
            if path.is_dir() and not name.endswith(DOCUMENT_SUFFIXES + FACTS_SUFFIXES):
                continue
            found.append(p)
    return found


def facts_for(path: Path) -> Facts:
    if path.suffix.lower() in FACTS_SUFFIXES:
        return read_facts(path)
    return extract_facts(read_document(path))


def graph_for(path: Path) -> Graph:
    """The validated named graph for one file, or InputError naming the problem."""
    graph = facts_to_graph(facts_for(path))
    result = validate_graph(graph)
    if not result.conforms:
        first = result.report_text.strip().splitlines()[:12]
        raise InputError(str(path), "does not conform to the shapes:\n    " + "\n    ".join(first))
    return graph


def build(
    paths: Iterable[Path], store: QuadStore, on_progress: Callable[[Path, Failure | None], None] | None = None
) -> BuildSummary:
    summary = BuildSummary()
    started = time.perf_counter()
    for path in discover(paths):
        failure: Failure | None = None
        try:
            graph = graph_for(path)
            summary.triples += store.replace_graph(graph)
            summary.documents += 1
        except InputError as exc:
            failure = Failure(exc.source, exc.problem)
        except Exception as exc:
            failure = Failure(str(path), f"unexpected error: {type(exc).__name__}: {exc}")
        if failure:
            summary.failures.append(failure)
        if on_progress:
            on_progress(path, failure)
    store.flush()
    summary.seconds = time.perf_counter() - started
    return summary
