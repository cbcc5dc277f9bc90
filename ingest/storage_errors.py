"""Store write failures that no other document could avoid: the disk is full, a file size
limit is reached, the store is read-only. A build stops at the first one (with one line saying
what happened) instead of failing every remaining document the same way; the documents stored
before it are kept, each whole, and a rerun resumes after them (ingest.stamps)."""

from __future__ import annotations

import errno

from ingest.store import StoreError

# errno values, and the words storage engines (RocksDB via pyoxigraph, SQLite) put in messages
# that carry no errno.
_ERRNOS = {
    errno.ENOSPC: "the disk is full",
    errno.EFBIG: "a file size limit was reached",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EROFS: "the store is on a read-only file system",
    errno.EACCES: "the store is not writable (permission denied)",
    errno.EPERM: "the store is not writable (operation not permitted)",
}
_WORDS = (
    ("no space left", "the disk is full"),
    ("file too large", "a file size limit was reached"),
    ("quota exceeded", "the disk quota is exhausted"),
    ("read-only file system", "the store is on a read-only file system"),
    ("read only", "the store is read-only"),
    ("permission denied", "the store is not writable (permission denied)"),
)


class StoreUnwritable(StoreError):
    """The store cannot take any more writes; the message says why and what to do."""


def unwritable_reason(exc: BaseException) -> str | None:
    """Why `exc` means no document can be stored at all, or None if it is about this one."""
    if isinstance(exc, OSError) and exc.errno in _ERRNOS:
        return _ERRNOS[exc.errno]
    message = str(exc).lower()
    return next((reason for words, reason in _WORDS if words in message), None)
