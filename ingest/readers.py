"""Readers: a file on disk -> its text and metadata (SourceDocument).

Plain text for now; HTML and PDF readers and the `NAME.meta.yaml` sidecar are added here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import InputError
from ingest.ids import content_hash
from ingest.model import DocumentRecord

MAX_DOCUMENT_BYTES = 20_000_000
DOCUMENT_SUFFIXES = (".txt", ".text", ".html", ".htm", ".pdf")


@dataclass
class SourceDocument:
    """A document's text as the extractor sees it, and what is known about it."""

    path: Path
    text: str
    record: DocumentRecord
    raw: bytes = field(repr=False, default=b"")


def read_document(path: Path) -> SourceDocument:
    source = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise InputError(source, f"file is {size} bytes; the limit is {MAX_DOCUMENT_BYTES}")
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError(source, "file vanished before it could be read") from exc
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror or exc}") from exc
    if not raw.strip():
        raise InputError(source, "file is empty")
    if b"\x00" in raw[:4096]:
        raise InputError(source, "binary content (NUL bytes), not a text document")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(source, f"not valid UTF-8 at byte {exc.start}") from exc
    record = DocumentRecord(file=path.name, content_hash=content_hash(raw), text=text)
    return SourceDocument(path=path, text=text, record=record, raw=raw)
