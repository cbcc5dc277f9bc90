"""Every list endpoint answers CSV as well as JSON: `Accept: text/csv` or `?format=csv`.

The columns of each list are data (COLUMNS below: a name and where in an item its value is);
a value that is a reference prints its label, a list prints its members joined by "; ", so a
spreadsheet gets one row per item and nothing nested. A CSV answer carries the list's total
(`X-Total-Count`) and, when more remain, a `Link: <...>; rel="next"`.

    return tabular(request, "persons", data)      # data: the list's JSON answer (a dict)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from ingest.store.public.formats import negotiate

CSV_TYPE = "text/csv"
JSON_TYPE = "application/json"
# How many rows one CSV answer may hold when the caller does not say (`limit`): the whole
# list, up to this many (JSON pages stay at most api.paging.MAX_LIMIT).
EXPORT_LIMIT = 10_000

Getter = Callable[[dict[str, Any]], Any]


def _path(*keys: str) -> Getter:
    def get(item: dict[str, Any]) -> Any:
        value: Any = item
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        return value

    return get


def _count(*keys: str) -> Getter:
    get = _path(*keys)
    return lambda item: len(get(item) or [])


def _labels_of(key: str, field: str) -> Getter:
    return lambda item: [x.get(field) for x in item.get(key) or [] if isinstance(x, dict)]


COLUMNS: dict[str, list[tuple[str, Getter]]] = {
    "persons": [
        ("id", _path("id")),
        ("name", _path("label")),
        ("kinds", _path("kinds")),
        ("other_names", lambda p: [n for n in p.get("names", []) if n != p.get("label")]),
        ("documents", _path("documents")),
        ("iri", _path("iri")),
    ],
    "organisations": [
        ("id", _path("id")),
        ("name", _path("label")),
        ("kind", _path("kind")),
        ("other_names", lambda o: [n for n in o.get("names", []) if n != o.get("label")]),
        ("documents", _path("documents")),
        ("iri", _path("iri")),
    ],
    "authorities": [
        ("id", _path("id")),
        ("name", _path("label")),
        ("kind", _path("kind")),
        ("posts", _path("positions")),
        ("acts", _count("acts")),
        ("what_they_did", lambda a: sorted({f"{x['type']} ({x['role']})" for x in a.get("acts", [])})),
        ("acts_in", _labels_of("acts", "label")),
        ("iri", _path("iri")),
    ],
    "events": [
        ("id", _path("id")),
        ("type", _path("type")),
        ("date", _path("date")),
        ("status", _path("status")),
        ("people", _path("arguments", "people")),
        ("authority", _path("arguments", "authority")),
        ("judge", _path("arguments", "judge")),
        ("place", _path("arguments", "place")),
        ("from", _path("arguments", "from")),
        ("to", _path("arguments", "to")),
        ("provisions", _path("arguments", "provisions")),
        ("outcome", _path("arguments", "outcome")),
        ("penalty", _path("arguments", "penalty")),
        ("sources", lambda e: [s["document"] for s in e.get("sources", [])]),
        ("quotes", lambda e: [q.get("quote") for s in e.get("sources", []) for q in s.get("quotes", [])]),
        ("iri", _path("iri")),
    ],
    "documents": [
        ("id", _path("id")),
        ("document", _path("label")),
        ("title", _path("title")),
        ("published", _path("published")),
        ("publishers", _path("publishers")),
        ("reference", _path("reference")),
        ("language", _path("language")),
        ("events", _path("counts", "events")),
        ("people", _path("counts", "people")),
        ("organisations", _path("counts", "organisations")),
        ("made_by", _path("extraction")),
        ("file", _path("file")),
        ("iri", _path("iri")),
    ],
    "conflicts": [
        ("id", _path("id")),
        ("about", _path("about")),
        ("about_kind", _path("about_kind")),
        ("event_type", _path("event_type")),
        ("property", _path("property")),
        ("resolution", _path("resolution")),
        ("chosen", _path("chosen")),
        (
            "values",
            lambda c: [
                f"{v['value']} ({', '.join(s['document']['label'] for s in v['sources'])})" for v in c.get("values", [])
            ],
        ),
        ("iri", _path("iri")),
    ],
    "proceedings": [
        ("id", _path("id")),
        ("proceeding", _path("label")),
        ("defendants", _path("defendants")),
        ("earliest", _path("earliest")),
        ("latest", _path("latest")),
        ("steps", _path("steps")),
        ("page", _path("page")),
        ("iri", _path("iri")),
    ],
    "passages": [
        ("document", _path("document")),
        ("start", _path("start")),
        ("end", _path("end")),
        ("quote", _path("quote")),
        ("score", _path("score")),
        ("events", _path("events")),
        ("document_iri", _path("document", "iri")),
    ],
    "changes": [
        ("time", _path("time")),
        ("kind", _path("kind")),
        ("graph", _path("graph")),
        ("document", _path("document")),
        ("hash", _path("hash")),
        ("dump", _path("dump")),
        ("cursor", _path("cursor")),
    ],
    "examples": [("id", _path("id")), ("title", _path("title")), ("description", _path("description"))],
}


def wants_csv(request: Request) -> bool:
    """`?format=csv` (or `json`), else the Accept header (JSON unless CSV is preferred)."""
    name = (request.query_params.get("format") or "").strip().lower()
    if name:
        return name == "csv"
    accept = request.headers.get("accept")
    return negotiate(accept, [JSON_TYPE, CSV_TYPE], {}) == CSV_TYPE if accept else False


def cell(value: Any) -> str:
    """One CSV cell: a reference prints its label, a list its members joined by "; "."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return str(value.get("label") or value.get("iri") or "")
    if isinstance(value, list | tuple | set):
        return "; ".join(c for c in (cell(v) for v in value) if c)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def to_csv(kind: str, items: list[dict[str, Any]]) -> str:
    columns = COLUMNS[kind]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180
    writer.writerow([name for name, _ in columns])
    for item in items:
        writer.writerow([cell(get(item)) for _, get in columns])
    return out.getvalue()


def tabular(request: Request, kind: str, data: dict[str, Any], items_key: str = "items") -> Response:
    """The list answer `data` as JSON, or as CSV when the request asks for it."""
    if not wants_csv(request):
        return JSONResponse(data)
    items = data.get(items_key) or []
    headers = {"Content-Disposition": f'attachment; filename="{kind}.csv"', "Vary": "Accept"}
    total = data.get("total")
    if isinstance(total, int):
        headers["X-Total-Count"] = str(total)
        offset, limit = int(data.get("offset") or 0), int(data.get("limit") or len(items))
        if offset + limit < total:
            params = {**dict(request.query_params), "offset": str(offset + limit), "limit": str(limit)}
            headers["Link"] = f'<{request.url.path}?{urlencode(params)}>; rel="next"'
    return Response(to_csv(kind, items), media_type="text/csv; charset=utf-8", headers=headers)
