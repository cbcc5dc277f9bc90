"""Server settings: one frozen object, read from environment variables (CASEGRAPH_*) and
overridden by command-line flags. Everything that bounds the cost of a request lives here."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from importlib import metadata
from ipaddress import IPv4Network, IPv6Network, ip_network
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ingest.store import DEFAULT_STORE, as_location
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
    # A store directory or a SPARQL server's URL (ingest.store.connect).
    store: Path | str = DEFAULT_STORE
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
    # The licence of CaseGraph's own statements (the extracted facts, the fused view); each
    # source document's text stays under its publisher's licence (its sidecar's `licence:`).
    licence: str = "https://creativecommons.org/licenses/by/4.0/"
    # Who publishes this dataset and how to reach them (a name or URL; an email address or
    # URL), for VoID/DCAT; empty: not stated.
    publisher: str = ""
    contact: str = ""
    version: str = field(default_factory=_package_version)
    # Where the public reaches this server (scheme://host[:port], no path): every absolute URL
    # the server prints (service description, VoID, dumps, JSON-LD contexts, redirects) starts
    # with it, never with the request's Host header. Empty: http://HOST:PORT of the listener
    # (see `origin`).
    public_url: str = ""
    # Reverse proxies (addresses or networks, "10.0.0.0/8") whose X-Forwarded-For is believed:
    # a request from one of them counts as coming from the address it forwards for. Nothing
    # else of X-Forwarded-* is used (URLs come from public_url); from anyone else it is ignored.
    trusted_proxies: tuple[str, ...] = ()
    # Who "a client" is for the limits below: "address" (the client's IP address; an IPv6
    # address counts by its /64), or a key registered in api.clients (bearer tokens, say).
    client_key: str = "address"
    # Requests per second each client may make on average, and the burst it may spend at once
    # (a token bucket); past it: 429 with Retry-After. rate_limit 0 turns the limit off.
    rate_limit: float = 50.0
    rate_burst: int = 200
    # SPARQL queries one client may have running at once (0: one less than the workers, at
    # least 1, so one client can never hold every worker) and waiting for a worker; past
    # both: 429 with Retry-After. Free workers go to waiting clients in turn.
    sparql_per_client: int = 0
    sparql_waiting_per_client: int = 4
    # Request bodies: at most max_body bytes (a larger Content-Length is refused before
    # anything is read, a body that grows past it is cut off: 413); the request head must
    # arrive within head_timeout seconds of the connection (or of the previous answer), the
    # body within body_timeout seconds of its head (else 408 and the connection is closed).
    max_body: int = 1024 * 1024
    head_timeout: float = 10.0
    body_timeout: float = 30.0
    # Tokens (ingest.tokens) and the audit trail (ingest.audit); None: the files beside the store.
    tokens: Path | None = None
    audit: Path | None = None
    # The ingest job table (ingest.jobs); its inbox is beside it (`<x>.jobs.sqlite` -> `<x>.inbox/`).
    # None: beside the store.
    jobs: Path | None = None
    # Failed authentications a client may make: a burst, then one per 1/rate seconds (429 past it).
    auth_failure_rate: float = 0.1
    auth_failure_burst: int = 10
    # Writes (api.writes): off, the server opens the store read-only and the write routes answer
    # 503; on (`serve --writable`), it holds the store for writing and runs ingest jobs itself.
    writable: bool = False
    # An upload (POST /api/documents, PUT .../facts) may be this large, multipart framing
    # included; the pipeline's own limit on a document is 20 MB.
    max_upload: int = 21 * 1024 * 1024
    # Uploads per token: a burst, then `ingest_rate` a second on average (429 past it).
    ingest_rate: float = 0.5
    ingest_burst: int = 20
    # Memory for whole public answers of the JSON API and linked data, kept by the store's
    # version (api.response_cache); 0 keeps none. A writing server keeps none whatever this says.
    response_cache_mb: int = 64

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
        object.__setattr__(self, "store", as_location(self.store))
        for name in ("passages", "tokens", "audit", "jobs"):
            if getattr(self, name) is not None:
                object.__setattr__(self, name, Path(getattr(self, name)))
        if not self.base_iri.endswith(("/", "#")):
            raise ValueError(f"CASEGRAPH_BASE_IRI must end with '/' or '#': {self.base_iri!r}")
        for name in ("max_query_length", "max_query_depth", "row_cap", "byte_cap", "workers", "port", "max_body"):
            if getattr(self, name) < 1:
                raise ValueError(f"setting {name} must be at least 1, not {getattr(self, name)}")
        if self.query_sandbox not in ("required", "off"):
            raise ValueError(f"setting query_sandbox must be 'required' or 'off', not {self.query_sandbox!r}")
        for name in ("query_timeout", "head_timeout", "body_timeout"):
            if getattr(self, name) <= 0:
                raise ValueError(f"setting {name} must be positive, not {getattr(self, name)}")
        for name in ("auth_failure_rate", "auth_failure_burst", "ingest_rate", "ingest_burst", "max_upload"):
            if getattr(self, name) <= 0:
                raise ValueError(f"setting {name} must be positive, not {getattr(self, name)}")
        for name in ("rate_limit", "rate_burst", "sparql_per_client", "sparql_waiting_per_client", "response_cache_mb"):
            if getattr(self, name) < 0:
                raise ValueError(f"setting {name} must not be negative, not {getattr(self, name)}")
        if self.rate_limit and self.rate_burst < 1:
            raise ValueError("setting rate_burst must be at least 1 while rate_limit is on")
        if self.public_url:
            object.__setattr__(self, "public_url", public_origin(self.public_url))
        object.__setattr__(self, "trusted_proxies", tuple(str(n) for n in proxy_networks(self.trusted_proxies)))

    @property
    def origin(self) -> str:
        """The origin every published absolute URL starts with (public_url, or the listener)."""
        if self.public_url:
            return self.public_url
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def sparql_client_limit(self) -> int:
        """Queries one client may have running at once (sparql_per_client, 0 = workers - 1)."""
        return self.sparql_per_client or max(1, self.workers - 1)


def public_origin(url: str) -> str:
    """`url` as an origin, scheme://host[:port] without a slash; ValueError naming the problem."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"CASEGRAPH_PUBLIC_URL must be http(s)://HOST[:PORT], not {url!r}")
    if parts.path not in ("", "/") or parts.query or parts.fragment or parts.username or parts.password:
        raise ValueError(
            f"CASEGRAPH_PUBLIC_URL must be an origin, http(s)://HOST[:PORT] with no path, not {url!r} "
            "(serving under a path prefix is not supported)"
        )
    try:
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"CASEGRAPH_PUBLIC_URL {url!r}: {exc}") from None
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 literal
        host = f"[{host}]"
    default = {"http": 80, "https": 443}[parts.scheme]
    return f"{parts.scheme}://{host}" + (f":{port}" if port and port != default else "")


def proxy_networks(values: tuple[str, ...]) -> list[IPv4Network | IPv6Network]:
    """The trusted proxies as networks (a bare address is a network of one)."""
    out = []
    for value in values:
        try:
            out.append(ip_network(value.strip(), strict=False))
        except ValueError:
            raise ValueError(f"CASEGRAPH_TRUSTED_PROXIES: {value!r} is not an IP address or network") from None
    return out


def _convert(name: str, raw: str, annotation: Any) -> Any:
    kind = str(annotation)
    try:
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind == "Path":
            return Path(raw)
        if kind == "Path | None":
            return Path(raw) if raw else None
        if kind == "bool":
            if raw.strip().lower() not in ("1", "0", "true", "false", "yes", "no", "on", "off", ""):
                raise ValueError("not a yes/no value (1, 0, true, false, yes, no, on, off)")
            return raw.strip().lower() in ("1", "true", "yes", "on")
        if kind.startswith("tuple"):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise ValueError(f"CASEGRAPH_{name.upper()}={raw!r}: {exc}") from exc
    return raw
