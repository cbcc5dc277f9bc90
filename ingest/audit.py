"""The audit trail: one JSON line per write to a store, appended and never rewritten.

Every write appends who did it (`token:NAME` for a request with a token, `local:USER` for the
command line), when (UTC), what (`build`, `load`, `ingest`, `curate`, `publish`, `withhold`,
`token add`, `token revoke`), the document and its content hash where there is one, and a few
details. `record(...)` is the one function every writer calls.

The file lives beside the store (`<store>.audit.jsonl`; for a store on a server,
data/build/<host>_<port>.audit.jsonl), or where CASEGRAPH_AUDIT points, mode 0600. Each line is
one write(2) on a descriptor opened O_APPEND, under an exclusive flock (so lines from the
server and the command line never interleave), then fsync'd: a line recorded is on disk. It is
never served publicly: `casegraph audit` prints it, `GET /api/audit` answers an `admin` token.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ingest.local_files import beside_store, private_file

SUFFIX = ".audit.jsonl"
ENV = "CASEGRAPH_AUDIT"


def audit_path_for(location: Path | str) -> Path:
    """The audit trail of a store: $CASEGRAPH_AUDIT, else beside the store."""
    override = os.environ.get(ENV)
    return Path(override) if override else beside_store(location, SUFFIX)


def local_user() -> str:
    """Who runs a command on this machine, as the trail names them."""
    try:
        return f"local:{getpass.getuser()}"
    except Exception:  # no user name for this uid (a container): the uid itself
        return f"local:uid-{os.getuid()}"


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def record(
    store: Path | str,
    what: str,
    *,
    who: str | None = None,
    document: str | None = None,
    content_hash: str | None = None,
    detail: Mapping[str, Any] | None = None,
    path: Path | None = None,
) -> dict[str, Any]:
    """Append one line for a write to `store` (its location: a directory or a URL) and return
    it. `who` defaults to the local user; `path` to the store's audit file. Raises OSError when
    the line cannot be written: a write that cannot be audited should say so, not pass."""
    line: dict[str, Any] = {"at": now_utc(), "who": who or local_user(), "what": what, "store": str(store)}
    if document is not None:
        line["document"] = document
    if content_hash is not None:
        line["content_hash"] = content_hash
    for key, value in (detail or {}).items():
        line.setdefault(key, value)
    data = (json.dumps(line, ensure_ascii=False, sort_keys=False) + "\n").encode("utf-8")
    target = private_file(path or audit_path_for(store))
    fd = os.open(target, os.O_WRONLY | os.O_APPEND)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        written = os.write(fd, data)
        while written < len(data):  # a short write (signals, a nearly full disk): finish the line
            written += os.write(fd, data[written:])
        os.fsync(fd)
    finally:
        os.close(fd)  # closing releases the lock
    return line


def parse_since(text: str) -> str:
    """`--since`/`?since=`: a date or an ISO 8601 time, as the UTC text lines are compared with
    (lines are written as YYYY-MM-DDTHH:MM:SSZ, so text order is time order)."""
    text = text.strip()
    try:
        if len(text) == 10:
            return datetime.fromisoformat(text).replace(tzinfo=UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"since {text!r}: not a date (YYYY-MM-DD) or an ISO 8601 time") from None
    when = when if when.tzinfo else when.replace(tzinfo=UTC)
    return when.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def read(path: Path, since: str | None = None) -> Iterator[dict[str, Any]]:
    """The lines of the trail at `path` from `since` (parse_since's form) on, oldest first.
    A line that is not JSON (a torn last line after a crash) is given as {"unreadable": text}."""
    try:
        handle = path.open("r", encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return
    with handle:
        for raw in handle:
            raw = raw.strip()
            if not raw:
                continue
            try:
                line = json.loads(raw)
            except ValueError:
                yield {"unreadable": raw}
                continue
            if since is None or str(line.get("at", "")) >= since:
                yield line
