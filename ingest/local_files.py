"""Files a store keeps beside itself on the machine that builds and serves: the passage index,
the tokens, the audit trail, the upload inbox and the job table. For a store directory they
sit next to it (`<store>.<suffix>`); for a store on a server (a URL) they live in data/build/
under a name made from the URL's host and port, so `build` and `serve` on one machine agree."""

from __future__ import annotations

import os
import re
from pathlib import Path

REMOTE_DIR = Path("data/build")


def beside_store(location: Path | str, suffix: str) -> Path:
    """`<store><suffix>` for a directory store; data/build/<host>_<port><suffix> for a URL."""
    text = str(location)
    if text.startswith(("http://", "https://")):
        name = re.sub(r"[^A-Za-z0-9.-]+", "_", text.split("://", 1)[1]).strip("_")
        return REMOTE_DIR / (name + suffix)
    path = Path(location)
    return path.with_name(path.name + suffix)


def private_file(path: Path) -> Path:
    """Create `path` (and its folder) readable by its owner only, or narrow an existing one to
    that: tokens, the audit trail and uploads are nobody else's on a shared machine."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return path
