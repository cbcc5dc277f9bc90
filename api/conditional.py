"""Conditional and compressed answers for what partners download again and again: the dumps,
the per-graph dumps, graph pages and linked data.

Validators come from the store the route was given (api.deps.get_store, so a restricted view
gives the validators of what it shows): a graph's tag is a hash of its name, its last write
(Store.graphs()) and its content hash as the changes log last recorded it (ingest.changes), its
Last-Modified that write; the whole store's tag hashes every graph's and the store's own
last write. The variant (format, encoding, path) is part of the tag, so no two representations
share one. `If-None-Match` is tried first and, only when absent, `If-Modified-Since` (RFC 9110
13.2.2); a match answers 304 with the validators and no body.

gzip: a client that accepts it (`Accept-Encoding: gzip`) gets the stream compressed on the fly
(`Content-Encoding: gzip`, `Vary: Accept-Encoding`), never held whole."""

from __future__ import annotations

import hashlib
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime

from fastapi import Request
from fastapi.responses import Response

from api.cache import per_store
from ingest.changes import content_hashes
from ingest.store import Store


@dataclass(frozen=True)
class Validators:
    etag: str
    modified: datetime | None  # None: no Last-Modified (the store cannot say when)

    def headers(self) -> dict[str, str]:
        out = {"ETag": self.etag}
        if self.modified is not None:
            out["Last-Modified"] = http_date(self.modified)
        return out


def http_date(when: datetime) -> str:
    return format_datetime(when.astimezone(UTC).replace(microsecond=0), usegmt=True)


def _graph_state(store: Store) -> dict[str, tuple[str, str]]:
    """Graph -> (last write, content hash) as text, once per store version (api.cache)."""

    def compute() -> dict[str, tuple[str, str]]:
        hashes = content_hashes(store)
        return {
            g.name: ("" if g.modified is None else g.modified.isoformat(), hashes.get(g.name, ""))
            for g in store.graphs()
        }

    return per_store(store, "conditional:graphs", compute)


def graph_modified(store: Store, graph: str) -> datetime | None:
    state = _graph_state(store).get(graph)
    return datetime.fromisoformat(state[0]) if state and state[0] else None


def has_graph(store: Store, graph: str) -> bool:
    return graph in _graph_state(store)


def _tag(parts: Iterable[str]) -> str:
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
    return f'W/"{digest}"'


def for_graph(store: Store, graph: str, variant: str) -> Validators:
    """A named graph's validators: they change when that graph is written again, not when
    another is."""
    written, stamp = _graph_state(store).get(graph, ("", ""))
    return Validators(_tag([graph, written, stamp, variant]), graph_modified(store, graph))


def for_store(store: Store, variant: str) -> Validators:
    """The validators of everything `store` shows (a dump, a description spanning graphs)."""
    digest, modified = per_store(store, "conditional:store", lambda: _store_state(store))
    return Validators(_tag([variant, digest]), modified)


def _store_state(store: Store) -> tuple[str, datetime | None]:
    """A digest of every graph's state and the store's last write, and the latest of those
    times: once per store version (a description is asked for far more often than the store
    changes, and this walks every graph)."""
    state = _graph_state(store)
    last = store.last_modified()
    times = [datetime.fromisoformat(w) for w, _ in state.values() if w]
    modified = max([*times, *([last] if last else [])], default=None)
    parts = ["" if last is None else last.isoformat()]
    parts += [f"{g}\x1e{w}\x1e{s}" for g, (w, s) in sorted(state.items())]
    return _tag(parts), modified


def not_modified(request: Request, validators: Validators, vary: str) -> Response | None:
    """A 304 when the request's preconditions say the client holds this version, else None."""
    if request.method not in ("GET", "HEAD"):
        return None
    headers = {**validators.headers(), "Vary": vary}
    match = request.headers.get("if-none-match")
    if match is not None:
        wanted = {_weak(t.strip()) for t in match.split(",")}
        if "*" in wanted or _weak(validators.etag) in wanted:
            return Response(status_code=304, headers=headers)
        return None
    since = request.headers.get("if-modified-since")
    if since and validators.modified is not None:
        try:
            stamp = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return None  # an unreadable date is ignored (RFC 9110 13.1.3)
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=UTC)
        if validators.modified.replace(microsecond=0) <= stamp:
            return Response(status_code=304, headers=headers)
    return None


def _weak(tag: str) -> str:
    """The opaque part of a tag: If-None-Match compares weakly (RFC 9110 13.1.2)."""
    return tag[2:] if tag.startswith("W/") else tag


# gzip ---------------------------------------------------------------------------------------
def accepts_gzip(request: Request) -> bool:
    """Whether Accept-Encoding takes gzip (named, or `*`, with a non-zero q)."""
    header = request.headers.get("accept-encoding", "")
    chosen: dict[str, float] = {}
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        name = name.strip().lower()
        if not name:
            continue
        q = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        chosen[name] = q
    for name in ("gzip", "x-gzip"):
        if name in chosen:
            return chosen[name] > 0
    return chosen.get("*", 0.0) > 0


def gzip_stream(chunks: Iterable[bytes], level: int = 6) -> Iterator[bytes]:
    """`chunks` as one gzip member, compressed as they come (the header's time is zero, so the
    same data always compresses to the same bytes)."""
    packer = zlib.compressobj(level, zlib.DEFLATED, 31)
    for chunk in chunks:
        out = packer.compress(chunk)
        if out:
            yield out
    yield packer.flush()
