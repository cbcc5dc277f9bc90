"""Writes over HTTP, for partners holding a token (api.auth): uploads for ingest, the jobs
they become, curated facts, and the audit trail for admins.

- `POST /api/documents` (scope `ingest`): multipart, the document in the field `file` (plain
  text, HTML or PDF), optional metadata fields as in a sidecar (title, publishers (repeatable),
  published, reference, language, url, and `publication`). Answers 202 `{"job", "status"}`
  with `Location: /api/jobs/{id}`. The upload is withheld until an editor publishes it, unless
  it says `publication=public` and the token also holds `curate`.
- `GET /api/jobs/{id}` (scope `ingest`; a job is seen by the token that made it, or an admin):
  its status (queued, running, done, failed) and the lines `casegraph build` prints.
- `PUT /api/documents/{id}/facts` (scope `curate`): a curated facts file (YAML, the format of
  docs/facts-format.md) that replaces the document's extraction. Validated first: a bad file
  changes nothing and gets 422 with its problems.
- `PUT /api/documents/{id}/publication` (scope `curate`): `{"publication": "public"}` or
  `"withheld"`, as `casegraph publish`/`withhold` (audited; the fused views follow).
- `GET /api/audit?since=` (scope `admin`): the audit trail, as JSON.

Every route reads the headers (token, scope, size, type) before a byte of the body.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from api.auth import require_scope
from api.limits import TokenBuckets
from api.writes import Writer, inbox_name, publication_field, writer_of
from ingest import audit
from ingest.errors import InputError
from ingest.ids import content_hash, graph_iri
from ingest.readers import DOCUMENT_SUFFIXES, HTML_SUFFIXES, PDF_SUFFIXES, SIDECAR_FIELDS
from ingest.store import Store
from ingest.tokens import Principal

router = APIRouter(tags=["writes"])

# The file's media type -> the suffix the readers know it by.
MEDIA_TYPES = {
    "text/plain": ".txt",
    "text/html": ".html",
    "application/xhtml+xml": ".html",
    "application/pdf": ".pdf",
}
# Sent by clients that do not know the type: the file name's suffix decides.
UNTYPED = ("", "application/octet-stream")
FACTS_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")
META_FIELDS = tuple(f for f in SIDECAR_FIELDS if f != "publication")
DOCUMENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,119}$")
AUDIT_LINES = 10_000  # at most this many lines per answer (the oldest first; page with since=)


def _error(status: int, error: str, detail: str | None = None, headers: dict[str, str] | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": error}
    if detail:
        body["detail"] = detail
    return JSONResponse(body, status_code=status, headers=headers)


def writes_off_response() -> JSONResponse:
    """The answer of every write route on a server started without --writable (api.app maps
    WritesOff to it)."""
    return _error(503, "writes are off", "this server was started without --writable (README: 'Writing over HTTP')")


def the_writer(request: Request) -> Writer:
    """The server's writer, for routes that write (WritesOff -> 503 when there is none)."""
    return writer_of(request.app.state)


def _uploads(request: Request) -> TokenBuckets:
    buckets: TokenBuckets | None = getattr(request.app.state, "upload_buckets", None)
    if buckets is None:
        settings = request.app.state.settings
        buckets = TokenBuckets(settings.ingest_rate, settings.ingest_burst)
        request.app.state.upload_buckets = buckets
    return buckets


def _rate_limited(request: Request, principal: Principal) -> JSONResponse | None:
    wait = _uploads(request).take(principal.name)
    if not wait:
        return None
    seconds = max(1, math.ceil(wait))
    return _error(429, "too many uploads", f"try again in {seconds} s", {"Retry-After": str(seconds)})


def _media_type(value: str | None) -> str:
    return (value or "").split(";", 1)[0].strip().lower()


def _suffix_for(upload: UploadFile, head: bytes) -> str | None:
    """The reader an upload goes to (by its declared type, else its file name's suffix), or
    None for a type the pipeline does not read. A PDF must look like one."""
    declared = _media_type(upload.content_type)
    suffix = MEDIA_TYPES.get(declared)
    if suffix is None and declared in UNTYPED:
        name = (upload.filename or "").replace("\\", "/").rsplit("/", 1)[-1].replace("\x00", "")
        ext = ("." + name.rsplit(".", 1)[-1].lower()) if "." in name else ""
        if ext in DOCUMENT_SUFFIXES:
            suffix = ".pdf" if ext in PDF_SUFFIXES else ".html" if ext in HTML_SUFFIXES else ".txt"
    if suffix is None:
        return None
    if suffix == ".pdf" and not head.lstrip()[:5].lower().startswith(b"%pdf-"):
        return None
    if suffix != ".pdf" and head.startswith((b"PK\x03\x04", b"\x1f\x8b", b"BZh", b"\xfd7zXZ", b"7z\xbc\xaf")):
        return None  # an archive sent as text or HTML is not a document (and is never unpacked)
    return suffix


def _check_request(request: Request, multipart: bool) -> JSONResponse | None:
    if request.headers.get("content-encoding", "identity").strip().lower() not in ("", "identity"):
        return _error(415, "unsupported content encoding", "send the body uncompressed")
    kind = _media_type(request.headers.get("content-type"))
    if multipart and kind != "multipart/form-data":
        return _error(415, "unsupported media type", "send multipart/form-data with the document in the field 'file'")
    return None


@router.post("/api/documents", status_code=202, summary="Upload a document for ingest (token with scope ingest)")
async def upload_document(
    request: Request,
    principal: Annotated[Principal, Depends(require_scope("ingest"))],
    writer: Annotated[Writer, Depends(the_writer)],
) -> Response:
    refused = _check_request(request, multipart=True)
    if refused is not None:
        return refused
    limited = _rate_limited(request, principal)
    if limited is not None:
        return limited
    settings = request.app.state.settings
    form = await request.form(max_files=1, max_fields=40, max_part_size=64 * 1024)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            return _error(422, "no file", "send the document in the multipart field 'file'")
        data = await upload.read(settings.max_upload + 1)
        if len(data) > settings.max_upload:
            return _error(413, "too large", f"the document is larger than {settings.max_upload} bytes")
        suffix = _suffix_for(upload, data[:1024])
        if suffix is None:
            return _error(
                415,
                "unsupported media type",
                "the file must be plain text (text/plain), HTML (text/html) or PDF (application/pdf)",
            )
        meta: dict[str, Any] = {}
        for key in form:
            if key == "file":
                continue
            if key not in META_FIELDS and key != "publication":
                return _error(422, "unknown field", f"{key!r}: allowed are file, {', '.join(META_FIELDS)}, publication")
        for key in META_FIELDS:
            values = [v for v in form.getlist(key) if isinstance(v, str) and v.strip()]
            if values:
                meta[key] = values if key == "publishers" else values[-1]
        asked = form.get("publication")
        publication = str(asked or "withheld").strip().lower()
    finally:
        await form.close()
    if publication not in ("withheld", "public"):
        return _error(422, "bad field", f"publication: {publication!r} is not withheld or public")
    if publication == "public" and not principal.has("curate"):
        return _error(403, "forbidden", "publication=public needs a token with the curate scope as well")
    digest = content_hash(data)
    # The state of a new upload is withheld unless asked; a document already stored keeps
    # the state an editor gave it unless the upload asks for one (ingest.publication.build_state).
    stored = _graph_exists(writer.store, str(graph_iri(inbox_name(digest, suffix))))
    if publication_field() and (asked or not stored):
        meta["publication"] = publication
    problem = _check_meta(meta)
    if problem:
        return _error(422, "bad metadata", problem)
    job = writer.submit(principal.name, data, suffix, meta, digest)
    location = f"/api/jobs/{job.id}"
    return JSONResponse(
        {"job": job.id, "status": job.status, "document": job.document, "content_hash": digest, "href": location},
        status_code=202,
        headers={"Location": location},
    )


def _check_meta(meta: dict[str, Any]) -> str | None:
    """The sidecar checks (ingest.readers) on the form's metadata, before anything is queued."""
    import tempfile
    from pathlib import Path

    import yaml

    from ingest.readers import read_sidecar

    with tempfile.TemporaryDirectory() as tmp:
        doc = Path(tmp) / "upload.txt"
        (Path(tmp) / "upload.meta.yaml").write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")
        try:
            read_sidecar(doc)
        except InputError as exc:
            return exc.problem
    return None


@router.get("/api/jobs/{job_id}", summary="An ingest job: status and the build's outcome lines")
def job_status(
    job_id: str,
    principal: Annotated[Principal, Depends(require_scope("ingest"))],
    writer: Annotated[Writer, Depends(the_writer)],
) -> Response:
    job = writer.jobs.get(job_id) if re.fullmatch(r"[0-9a-f]{16}", job_id) else None
    if job is None or (job.who != principal.name and not principal.has("admin")):
        return _error(404, "not found", "no such job")  # another token's job is not confirmed either
    return JSONResponse(job.public())


@router.put("/api/documents/{document_id}/facts", summary="Replace a document's extraction with curated facts")
async def put_facts(
    request: Request,
    document_id: str,
    principal: Annotated[Principal, Depends(require_scope("curate"))],
    writer: Annotated[Writer, Depends(the_writer)],
) -> Response:
    # The whole store, withheld documents included: curators work on uploads before they are public.
    if not DOCUMENT_ID.fullmatch(document_id) or not _graph_exists(writer.store, str(graph_iri(document_id))):
        return _error(404, "not found", "no such document")
    refused = _check_request(request, multipart=False)
    if refused is not None:
        return refused
    kind = _media_type(request.headers.get("content-type"))
    if kind not in FACTS_TYPES:
        return _error(415, "unsupported media type", "send the facts file as application/yaml")
    limited = _rate_limited(request, principal)
    if limited is not None:
        return limited
    data = await request.body()
    digest = content_hash(data)
    import anyio

    try:
        lines = await anyio.to_thread.run_sync(writer.curate, principal.name, document_id, data, digest)
    except InputError as exc:
        return JSONResponse(
            {"error": "the facts file was refused; nothing changed", "problems": [f"{exc.source}: {exc.problem}"]},
            status_code=422,
        )
    return JSONResponse({"document": document_id, "status": "done", "lines": lines})


class PublicationChange(BaseModel):
    publication: Literal["public", "withheld"]


@router.put(
    "/api/documents/{document_id}/publication",
    summary="Publish or withhold a document (token with scope curate)",
)
async def put_publication(
    document_id: str,
    change: PublicationChange,
    principal: Annotated[Principal, Depends(require_scope("curate"))],
    writer: Annotated[Writer, Depends(the_writer)],
) -> Response:
    """Body `{"publication": "public"}` or `{"publication": "withheld"}`. Answers the state
    before and whether it changed; the fused views follow at once."""
    # The whole store, withheld documents included: a curate token sees them.
    if not DOCUMENT_ID.fullmatch(document_id) or not _graph_exists(writer.store, str(graph_iri(document_id))):
        return _error(404, "not found", "no such document")
    import anyio

    before, changed = await anyio.to_thread.run_sync(
        writer.set_publication, principal.name, document_id, change.publication
    )
    return JSONResponse(
        {"document": document_id, "publication": change.publication, "before": before, "changed": changed}
    )


def _graph_exists(store: Store, graph: str) -> bool:
    return graph in set(store.named_graphs())


@router.get("/api/audit", summary="The audit trail (token with scope admin)")
def audit_trail(
    request: Request,
    principal: Annotated[Principal, Depends(require_scope("admin"))],
    since: Annotated[str | None, Query(max_length=40, description="a date or ISO 8601 time")] = None,
) -> Response:
    settings = request.app.state.settings
    try:
        start = audit.parse_since(since) if since else None
    except ValueError as exc:
        return _error(400, "bad since", str(exc))
    lines: list[dict[str, Any]] = []
    truncated = False
    for line in audit.read(settings.audit or audit.audit_path_for(settings.store), start):
        if len(lines) == AUDIT_LINES:
            truncated = True
            break
        lines.append(line)
    return JSONResponse({"lines": lines, "truncated": truncated}, headers={"Cache-Control": "no-store"})
