"""Server settings: one frozen object, read from environment variables (CASEGRAPH_*) and
overridden by command-line flags. Everything that bounds the cost of a request lives here."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import metadata
from pathlib import Path
from typing import Any

from ingest.store import DEFAULT_STORE
from ingest.vocab import BASE


def _package_version() -> str:
    try:
        return metadata.version("casegraph")
    except metadata.PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


def _default_workers() -> int:
    # At least two, so one slow query never blocks the others.
    return max(2, min(4, os.cpu_count() or 2))


@dataclass(frozen=True)
class Settings:
    store: Path = DEFAULT_STORE
    # The passage index (ingest.passages); None: the one beside the store.
    passages: Path | None = None
    base_iri: str = BASE
    host: str = "127.0.0.1"
    port: int = 8000
    # SPARQL limits (the public endpoint): text length, bracket nesting, wall-clock deadline,
    # rows (or triples) returned, and how many worker processes evaluate queries.
    max_query_length: int = 20_000
    max_query_depth: int = 40
    query_timeout: float = 10.0
    row_cap: int = 10_000
    # Bytes a SPARQL response body may take; rows past it are cut (X-Truncated), like the row cap.
    byte_cap: int = 16 * 1024 * 1024
    workers: int = field(default_factory=_default_workers)
    # "required": query workers run off the network (seccomp or an empty network namespace) and
    # refuse to evaluate if no barrier can be put up; "off" drops that barrier (unsafe: only for
    # machines where neither works, behind another barrier of the operator's own).
    query_sandbox: str = "required"
    # Seconds a client is told to wait (Retry-After) after a 503.
    retry_after: int = 5
    # Origins allowed by CORS; "*" (the default) because the endpoint is public and read-only.
    cors_origins: tuple[str, ...] = ("*",)
    licence: str = "https://creativecommons.org/licenses/by/4.0/"
    version: str = field(default_factory=_package_version)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from CASEGRAPH_<FIELD> variables, then `overrides` (flags) that are not None."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"CASEGRAPH_{f.name.upper()}")
            if raw is None:
                continue
            values[f.name] = _convert(f.name, raw, cls.__dataclass_fields__[f.name].type)
        settings = cls(**values)
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})

    def __post_init__(self) -> None:
        object.__setattr__(self, "store", Path(self.store))
        if self.passages is not None:
            object.__setattr__(self, "passages", Path(self.passages))
        if not self.base_iri.endswith(("/", "#")):
            raise ValueError(f"CASEGRAPH_BASE_IRI must end with '/' or '#': {self.base_iri!r}")
        for name in ("max_query_length", "max_query_depth", "row_cap", "byte_cap", "workers", "port"):
            if getattr(self, name) < 1:
                raise ValueError(f"setting {name} must be at least 1, not {getattr(self, name)}")
        if self.query_sandbox not in ("required", "off"):
            raise ValueError(f"setting query_sandbox must be 'required' or 'off', not {self.query_sandbox!r}")
        if self.query_timeout <= 0:
            raise ValueError(f"setting query_timeout must be positive, not {self.query_timeout}")


def _convert(name: str, raw: str, annotation: Any) -> Any:
    kind = str(annotation)
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(raw)
        if kind.startswith("tuple"):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise ValueError(f"CASEGRAPH_{name.upper()}={raw!r}: {exc}") from exc
    return raw
