"""Build stamps: what a stored document graph was made from, so a rebuild skips what has not
changed and a build killed half-way resumes where it stopped.

Every document graph is stored in its own transaction as soon as it is validated, with two
statements about the graph itself, written in the same transaction:

    <graph> cg:inputHash "sha256:..." ;        # the file's bytes and its sidecar's
            cg:extractorVersion "sha256:..." .  # the code, rules, shapes, resolver and model

A file whose graph carries the stamp it would get now is skipped: same input, same extractor,
so the same graph (builds are deterministic). Change a rule, a shape, a reviewed identity
decision or the NLP model, and every document is built again; `casegraph build --force`
rebuilds regardless.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from ingest.readers import sidecar_for
from ingest.store import Store

ROOT = Path(__file__).resolve().parent.parent
CG = "https://w3id.org/casegraph/ontology#"
INPUT_HASH = CG + "inputHash"
EXTRACTOR_VERSION = CG + "extractorVersion"
# What a document's graph depends on besides its own bytes. Caches and compiled files are
# not inputs; the resolver file is (it decides which IRI a name mints).
_SOURCES = (
    ("ingest", ("*.py", "*.yaml", "*.yml", "*.tsv", "*.txt", "*.json", "*.rq")),
    ("shapes", ("*.ttl",)),
    ("ontology", ("*.ttl",)),
)


def input_hash(path: Path) -> str:
    """sha256 of the file's bytes and, if it has one, its sidecar's (NAME.meta.yaml). A
    sidecar's `publication:` is left out: it says where the graph is served, not what is in it
    (ingest.publication), so changing it alone rebuilds nothing (the build applies it)."""
    digest = hashlib.sha256(path.read_bytes())
    sidecar = sidecar_for(path)
    fields = None if sidecar is None else _without_publication(sidecar.read_bytes())
    if fields:  # a sidecar that says nothing but `publication:` hashes as no sidecar
        digest.update(b"\x00sidecar\x00" + fields)
    return "sha256:" + digest.hexdigest()


def _without_publication(raw: bytes) -> bytes:
    """The sidecar's fields but `publication`, written out in one canonical form: a sidecar
    that states a publication and one that does not (an upload of bytes already stored keeps
    its state and so leaves the field out) hash alike when the rest agrees."""
    import yaml

    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except (UnicodeDecodeError, yaml.YAMLError, ValueError):
        return raw  # reading it reports the problem
    if not isinstance(data, dict):
        return raw
    rest = {str(k): v for k, v in data.items() if k != "publication"}
    if not rest:
        return b""
    return yaml.safe_dump(rest, sort_keys=True, allow_unicode=True, default_flow_style=False).encode("utf-8")


def _model_fingerprint() -> str:
    from ingest.extract.nlp import model_name

    name = model_name()
    if not name:
        return "model:none"
    try:
        return f"model:{name}=={importlib.metadata.version(name)}"
    except importlib.metadata.PackageNotFoundError:
        return f"model:{name} (not installed)"


@lru_cache(maxsize=1)
def extractor_version() -> str:
    """A fingerprint of everything besides the file that shapes a document's graph."""
    from ingest.resolve import resolver_path

    digest = hashlib.sha256()
    files: list[Path] = []
    for folder, patterns in _SOURCES:
        for pattern in patterns:
            files.extend(p for p in (ROOT / folder).rglob(pattern) if "__pycache__" not in p.parts)
    resolver = resolver_path()
    for path in sorted(set(files)) + ([resolver] if resolver.is_file() else []):
        name = str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)
        digest.update(name.encode() + b"\x00" + path.read_bytes() + b"\x00")
    digest.update(_model_fingerprint().encode())
    return "sha256:" + digest.hexdigest()


STAMP_TRIPLES = 2  # the statements stamp_ntriples writes


def stamp_ntriples(graph: str, input_digest: str, version: str) -> str:
    """The stamp statements, in N-Triples, to store with the graph in its transaction."""
    return f'<{graph}> <{INPUT_HASH}> "{input_digest}" .\n<{graph}> <{EXTRACTOR_VERSION}> "{version}" .\n'


_STORED = f"""SELECT ?g ?input ?version WHERE {{
  GRAPH ?g {{ ?g <{INPUT_HASH}> ?input ; <{EXTRACTOR_VERSION}> ?version }}
}}"""


def stored_stamps(store: Store) -> dict[str, tuple[str, str]]:
    """Graph IRI -> (input hash, extractor version) of every stamped graph in the store."""
    return {r["g"] or "": (r["input"] or "", r["version"] or "") for r in store.select(_STORED, union=False)}


def group_hash(digests: Iterable[str]) -> str:
    """The input hash of a graph several files give (report.txt and its curated report.yaml):
    it changes when any of them does."""
    parts = sorted(digests)
    if len(parts) == 1:
        return parts[0]
    return "sha256:" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()
