"""Readers: a file on disk -> its text and metadata (SourceDocument).

One reader per format (plain text, HTML, PDF), chosen by suffix or, for an unknown suffix,
by sniffing the first bytes. Every refusal is an `InputError` naming the file and the problem,
so a batch can report one line per bad file and go on.

The text contract: `SourceDocument.text` *is* the stored document text (`DocumentRecord.text`,
published as `schema:text`), and every evidence offset indexes it exactly. Readers may drop
things that are not part of the report before anyone sees the text (a source-URL first line
of a plain-text file, HTML menus and banners, a byte-order mark, carriage returns); nothing
downstream may change the text without keeping offsets true to this string.

Metadata comes, in rising priority, from defaults, from the document itself (HTML `<meta>`,
`lang`, canonical link; PDF info; a plain-text URL line) and from an optional sidecar
`NAME.meta.yaml` next to the document (`report.meta.yaml` or `report.txt.meta.yaml`), which a
researcher writes and which therefore wins.
"""

from __future__ import annotations

import copy
import functools
import io
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ingest.dates import normalise_iso_date
from ingest.errors import InputError
from ingest.ids import content_hash
from ingest.model import DocumentRecord

MAX_DOCUMENT_BYTES = 20_000_000  # a file larger than this is refused before it is read
MAX_HTML_BYTES = 10_000_000
MAX_HTML_TAGS = 300_000  # counted as '<' bytes before parsing: a cheap bound on the tree size
MAX_HTML_DEPTH = 200  # libxml2 silently flattens past 255 levels; real pages stay far below
MAX_PDF_PAGES = 2_000
MAX_TEXT_CHARS = 1_000_000  # the text the extractor gets (spaCy's own default limit)
MAX_SIDECAR_BYTES = 100_000
MIN_TEXT_CHARS = 20

TEXT_SUFFIXES = (".txt", ".text")
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
PDF_SUFFIXES = (".pdf",)
DOCUMENT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + PDF_SUFFIXES
SIDECAR_SUFFIX = ".meta.yaml"
SIDECAR_FIELDS = ("publishers", "published", "reference", "language", "url", "title", "licence", "text", "publication")
# `text:` says whether the document's full text may be published (its licence allows it):
# "public", or "passages" (the default: only short passages, evidence quotes and search hits).
TEXT_PUBLICATION = ("public", "passages")

_URL_LINE = re.compile(r"\A[ \t]*(https?://[^\s<>\"]+)[ \t]*(?:\r?\n|\Z)")
_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^\[>]*\[.*?\]\s*>", re.IGNORECASE | re.DOTALL)
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
# Control characters other than tab, newline, carriage return and form feed: a text with
# many of them is binary data that happens to decode.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_ENGLISH_FUNCTION_WORDS = frozenset(
    re.findall(
        r"\w+",
        "the of and to in is was on for that by with as at from his her their were has have had be been "
        "which who this it an are not",
    )
)


@dataclass
class SourceDocument:
    """A document's text as the extractor sees it, and what is known about it."""

    path: Path
    text: str
    record: DocumentRecord
    raw: bytes = field(repr=False, default=b"")


@dataclass
class _Read:
    """What a format reader found: the text and the metadata the file itself states."""

    text: str
    meta: dict[str, Any] = field(default_factory=dict)


# --- entry point ---------------------------------------------------------------------------


def read_document(path: Path) -> SourceDocument:
    """Read one document file, or raise InputError naming the file and the problem."""
    source = str(path)
    raw = _read_bytes(path, MAX_DOCUMENT_BYTES)
    if not raw.strip():
        raise InputError(source, "file is empty")
    reader = _reader_for(path, raw)
    found = reader(raw, source)
    text = found.text
    if len(text.strip()) < MIN_TEXT_CHARS:
        raise InputError(source, f"no usable text ({len(text.strip())} characters after reading)")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(
            source, f"text is {len(text):,} characters; the limit is {MAX_TEXT_CHARS:,} (split the document)"
        )
    meta = {**found.meta, **read_sidecar(path)}
    record = DocumentRecord(
        file=path.name,
        publishers=list(meta.get("publishers") or []),
        published=meta.get("published"),
        reference=meta.get("reference"),
        language=meta.get("language") or guess_language(text),
        source_url=meta.get("url"),
        title=meta.get("title"),
        licence=meta.get("licence"),
        text_public=meta.get("text") == "public",
        content_hash=content_hash(raw),
        text=text,
        publication=meta.get("publication"),
    )
    return SourceDocument(path=path, text=text, record=record, raw=raw)


def _read_bytes(path: Path, limit: int) -> bytes:
    source = str(path)
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise InputError(source, "is a folder, not a document")
        if not stat.S_ISREG(info.st_mode):
            # A FIFO would block the reader forever, a device never end.
            raise InputError(source, "not a regular file (a pipe, socket or device)")
        size = info.st_size
        if size > limit:
            raise InputError(source, f"file is {size:,} bytes; the limit is {limit:,}")
        with path.open("rb") as f:
            # Read one byte past the limit: a file that grows after stat() is still bounded.
            raw = f.read(limit + 1)
    except FileNotFoundError as exc:
        raise InputError(source, "file vanished before it could be read") from exc
    except IsADirectoryError as exc:
        raise InputError(source, "is a folder, not a document") from exc
    except OSError as exc:
        raise InputError(source, f"cannot read: {exc.strerror or exc}") from exc
    if len(raw) > limit:
        raise InputError(source, f"file grew past the limit of {limit:,} bytes while being read")
    return raw


def _reader_for(path: Path, raw: bytes) -> Callable[[bytes, str], _Read]:
    suffix = path.suffix.lower()
    if suffix in PDF_SUFFIXES:
        return read_pdf
    if suffix in HTML_SUFFIXES:
        return read_html
    if suffix in TEXT_SUFFIXES:
        return read_text
    # Unknown suffix (a file named explicitly on the command line): sniff the content.
    head = raw[:1024].lstrip().lower()
    if head.startswith(b"%pdf-"):
        return read_pdf
    if head.startswith((b"<!doctype html", b"<html")):
        return read_html
    return read_text


# --- plain text ----------------------------------------------------------------------------


def decode_text(raw: bytes, source: str) -> str:
    """Strict UTF-8 (a BOM is dropped): guessing another encoding would corrupt names silently."""
    if b"\x00" in raw[:8192]:
        raise InputError(source, "binary content (NUL bytes), not a text document")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(source, f"not valid UTF-8 at byte {exc.start} (save the file as UTF-8)") from exc
    sample = text[:20_000]
    if sample and len(_CONTROL.findall(sample)) > len(sample) / 100:
        raise InputError(source, "binary content (control characters), not a text document")
    return text.replace("\r\n", "\n").replace("\r", "\n")


def read_text(raw: bytes, source: str) -> _Read:
    """A plain-text report. A first line that is only a URL is the source address: it moves
    into the metadata and out of the text, so the extractor never reads it as prose."""
    text = decode_text(raw, source)
    meta: dict[str, Any] = {}
    m = _URL_LINE.match(text)
    if m:
        meta["url"] = m.group(1)
        text = text[m.end() :]
    return _Read(text=text, meta=meta)


# --- HTML ----------------------------------------------------------------------------------

_META_PUBLISHED = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "date",
    "dc.date",
    "dc.date.issued",
    "dcterms.date",
    "dcterms.issued",
    "citation_publication_date",
    "pubdate",
)
_META_PUBLISHER = ("og:site_name", "publisher", "dc.publisher", "dcterms.publisher", "citation_publisher")


def read_html(raw: bytes, source: str) -> _Read:
    """Main text of a web page with trafilatura, which drops menus, cookie banners, share
    widgets, scripts, footers and photo captions, so boilerplate never becomes a fact."""
    import lxml.etree
    import lxml.html
    import trafilatura

    if len(raw) > MAX_HTML_BYTES:
        raise InputError(source, f"HTML is {len(raw):,} bytes; the limit is {MAX_HTML_BYTES:,}")
    if b"\x00" in raw[:8192]:
        raise InputError(source, "binary content (NUL bytes), not an HTML document")
    tags = raw.count(b"<")
    if tags > MAX_HTML_TAGS:
        raise InputError(source, f"HTML has {tags:,} tags; the limit is {MAX_HTML_TAGS:,} (HTML bomb?)")
    try:
        markup: str | bytes = raw.decode("utf-8-sig")
        # lxml refuses str input that carries an XML encoding declaration.
        markup = re.sub(r"\A\s*<\?xml[^>]*\?>", "", str(markup))
        # A DOCTYPE internal subset has no business in HTML: entity tricks (never expanded by
        # the HTML parser) would otherwise leak into the text as debris.
        markup = _DOCTYPE_SUBSET.sub("<!DOCTYPE html>", markup, count=1)
    except UnicodeDecodeError:
        markup = raw  # let lxml honour the page's declared charset
    try:
        tree = lxml.html.document_fromstring(markup)
    except (lxml.etree.ParserError, ValueError) as exc:
        raise InputError(source, f"not parsable as HTML: {exc}") from exc
    depth = _max_depth(tree)
    if depth >= MAX_HTML_DEPTH:
        raise InputError(source, f"HTML nesting is {depth}+ levels deep; the limit is {MAX_HTML_DEPTH} (HTML bomb?)")
    meta = _html_meta(tree)
    # Precision first (boilerplate stays out); only a page where that finds nothing gets the
    # recall-oriented pass. trafilatura prunes the tree it is given: copy it.
    for favor_recall in (False, True):
        extracted = trafilatura.bare_extraction(
            copy.deepcopy(tree) if not favor_recall else tree,
            config=_trafilatura_config(),
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_tables=True,
            favor_recall=favor_recall,
        )
        text = (getattr(extracted, "text", None) or "") if extracted is not None else ""
        if len(text.strip()) >= MIN_TEXT_CHARS:
            break
    if not text.strip():
        raise InputError(source, "no main text found in the HTML page")
    title = getattr(extracted, "title", None)
    if title and "title" not in meta:
        meta["title"] = str(title)
    return _Read(text=text.replace("\r\n", "\n"), meta=meta)


@functools.cache
def _trafilatura_config() -> Any:
    from trafilatura.settings import use_config

    config = use_config()
    # A short report (a few sentences) is still a report: the default minimum is 250 characters.
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", str(MIN_TEXT_CHARS))
    # No SIGALRM-based timeout (the build has its own) and no date guessing from the prose
    # (the publication date comes from <meta> only).
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
    return config


def _max_depth(tree: Any) -> int:
    """Deepest element nesting, stopping as soon as the limit is reached."""
    import lxml.etree

    depth = deepest = 0
    for event, _element in lxml.etree.iterwalk(tree, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > deepest:
            deepest = depth
            if deepest >= MAX_HTML_DEPTH:
                break
    return deepest


def _html_meta(tree: Any) -> dict[str, Any]:
    """Metadata the page states explicitly. Dates are taken only from <meta> tags, never
    guessed from the prose (the prose's dates are events, not the publication date)."""
    metas: dict[str, str] = {}
    for el in tree.iter("meta"):
        key = (el.get("property") or el.get("name") or el.get("itemprop") or "").strip().lower()
        value = (el.get("content") or "").strip()
        if key and value and key not in metas:
            metas[key] = value
    meta: dict[str, Any] = {}
    lang = (tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang") or "").strip()
    if _LANGUAGE.match(lang):
        meta["language"] = lang.split("-")[0].lower()
    for key in _META_PUBLISHED:
        if key in metas:
            iso = normalise_iso_date(metas[key][:10])
            if iso:
                meta["published"] = iso
                break
    for key in _META_PUBLISHER:
        if key in metas:
            meta["publishers"] = [metas[key]]
            break
    canonical = [el.get("href") for el in tree.iter("link") if "canonical" in (el.get("rel") or "").lower().split()]
    url = next((u for u in canonical if u and u.startswith(("http://", "https://"))), None) or metas.get("og:url")
    if url and url.startswith(("http://", "https://")):
        meta["url"] = url
    title = metas.get("og:title") or metas.get("dc.title")
    if title:
        meta["title"] = title
    return meta


# --- PDF -----------------------------------------------------------------------------------


def read_pdf(raw: bytes, source: str) -> _Read:
    """Text of every page, pages separated by a blank line. Encrypted files open only when
    the empty user password works (owner-restricted PDFs); otherwise they are refused."""
    import logging

    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    if not raw.lstrip()[:5] == b"%PDF-":
        raise InputError(source, "not a PDF file (no %PDF- header)")
    # pypdf logs repairs of slightly damaged files as warnings; they are not ours to print.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        pdf = pypdf.PdfReader(io.BytesIO(raw))
        if pdf.is_encrypted:
            try:
                unlocked = pdf.decrypt("")
            except (DependencyError, NotImplementedError) as exc:
                raise InputError(source, f"encrypted PDF that cannot be opened here: {exc}") from exc
            if not unlocked:
                raise InputError(source, "encrypted PDF (a password is required to read it)")
        pages = len(pdf.pages)
        if pages > MAX_PDF_PAGES:
            raise InputError(source, f"PDF has {pages:,} pages; the limit is {MAX_PDF_PAGES:,}")
        parts: list[str] = []
        size = 0
        for page in pdf.pages:
            part = (page.extract_text() or "").strip()
            size += len(part)
            if size > MAX_TEXT_CHARS:
                raise InputError(source, f"PDF text is over {MAX_TEXT_CHARS:,} characters (split the document)")
            parts.append(part)
        info = pdf.metadata
    except InputError:
        raise
    except FileNotDecryptedError as exc:
        raise InputError(source, "encrypted PDF (a password is required to read it)") from exc
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError) as exc:
        raise InputError(source, f"broken PDF: {type(exc).__name__}: {exc}") from exc
    text = "\n\n".join(p for p in parts if p)
    if not text.strip():
        raise InputError(source, "PDF has no extractable text (scanned images need OCR first)")
    meta: dict[str, Any] = {}
    title = getattr(info, "title", None) if info else None
    if isinstance(title, str) and title.strip():
        meta["title"] = title.strip()
    return _Read(text=text, meta=meta)


# --- sidecar metadata ----------------------------------------------------------------------


def sidecar_for(path: Path) -> Path | None:
    """`report.meta.yaml` (or `report.txt.meta.yaml`) next to `report.txt`, if there is one."""
    for candidate in (path.with_name(path.stem + SIDECAR_SUFFIX), path.with_name(path.name + SIDECAR_SUFFIX)):
        if candidate.is_file():
            return candidate
    return None


def read_sidecar(path: Path) -> dict[str, Any]:
    """The sidecar's metadata, checked field by field; errors name the sidecar and the field."""
    sidecar = sidecar_for(path)
    if sidecar is None:
        return {}
    source = str(sidecar)
    raw = _read_bytes(sidecar, MAX_SIDECAR_BYTES)
    try:
        data = yaml.safe_load(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise InputError(source, f"not valid UTF-8 at byte {exc.start}") from exc
    except yaml.YAMLError as exc:
        raise InputError(source, f"not valid YAML: {' '.join(str(exc).split())}") from exc
    except ValueError as exc:  # PyYAML's own date parsing: `published: 2019-02-30`
        raise InputError(source, f"impossible value: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(source, "must be a mapping of " + ", ".join(SIDECAR_FIELDS))
    unknown = sorted(str(k) for k in data if k not in SIDECAR_FIELDS)
    if unknown:
        raise InputError(source, f"unknown field {unknown[0]!r} (allowed: {', '.join(SIDECAR_FIELDS)})")
    meta: dict[str, Any] = {}
    for key, value in data.items():
        if value is None:
            continue
        meta[key] = _sidecar_value(str(key), value, source)
    return meta


def _sidecar_value(key: str, value: Any, source: str) -> Any:
    if key == "publishers":
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) and v.strip() for v in items):
            raise InputError(source, "publishers: must be a name or a list of names")
        return [v.strip() for v in items]
    if key == "published":
        text = value.isoformat()[:10] if hasattr(value, "isoformat") else str(value)
        iso = normalise_iso_date(text)
        if iso is None:
            raise InputError(source, f"published: {text!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
        return iso
    if key == "publication":
        if value not in ("public", "withheld"):
            raise InputError(source, f"publication: {value!r} is not a publication state (use public or withheld)")
        return value
    if not isinstance(value, (str, int)) or not str(value).strip():
        raise InputError(source, f"{key}: must be a non-empty text")
    text = str(value).strip()
    if key == "language" and not _LANGUAGE.match(text):
        raise InputError(source, f"language: {text!r} is not a language code such as 'en' or 'ru'")
    if key in ("url", "licence") and not text.startswith(("http://", "https://")):
        what = "the licence's address (https://creativecommons.org/licenses/by/4.0/)" if key == "licence" else ""
        raise InputError(source, f"{key}: {text!r} is not an http(s) address" + (f"; give {what}" if what else ""))
    if key == "text" and text.lower() not in TEXT_PUBLICATION:
        raise InputError(source, f"text: {text!r} must be public (its licence allows publishing it) or passages")
    return text.lower() if key == "text" else text


# --- language ------------------------------------------------------------------------------


def guess_language(text: str) -> str | None:
    """'en' when English function words are frequent, else None (unknown): the extractor's
    patterns are English, and a wrong language tag would be a false fact about the document."""
    words = re.findall(r"[^\W\d_]+", text[:20_000].lower())
    if not words:
        return None
    share = sum(w in _ENGLISH_FUNCTION_WORDS for w in words) / len(words)
    return "en" if share >= 0.12 else None
