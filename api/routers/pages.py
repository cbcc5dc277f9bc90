"""HTML pages: home, the lists (people, organisations, authorities, events, documents) and the
/query page. Each page renders the same data its JSON twin answers with (linked from the page
and its `Link` header); entity pages live at their IRIs, under /id/ (api.routers.linked_data)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.curated.agents import authorities
from api.curated.documents import list_documents
from api.curated.home import overview
from api.curated.organisations import list_organisations
from api.curated.passages import search_passages
from api.curated.persons import list_persons
from api.deps import get_passages
from api.examples import by_id, examples
from api.paging import Page, page_params
from api.routers._common import CtxDep
from api.routers.events import ISO_DATE, events_data
from api.routers.passages import QUERY_HELP
from api.templating import render
from ingest.passages import PassageIndex, QueryError

router = APIRouter()

STATIC = Path(__file__).resolve().parent.parent / "static"
STATIC_TYPES = {".css": "text/css", ".js": "text/javascript", ".svg": "image/svg+xml", ".png": "image/png"}


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> Response:
    path = (STATIC / name).resolve()
    if path.parent != STATIC or not path.is_file() or path.suffix not in STATIC_TYPES:
        raise HTTPException(404, f"no static file {name!r}")
    return FileResponse(path, media_type=STATIC_TYPES[path.suffix], headers={"Cache-Control": "public, max-age=300"})


@router.get("/api/stats", tags=["pages"], summary="What the graph holds: counts, event types, recent documents")
def stats(ctx: CtxDep) -> dict[str, Any]:
    return {**overview(ctx), "queries": ctx.queries}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, ctx: CtxDep) -> HTMLResponse:
    return render(request, "home.html", overview(ctx), json_twin="/api/stats", title="")


@router.get("/api/examples", tags=["pages"], summary="The example SPARQL queries of the /query page")
def example_list() -> dict[str, Any]:
    items = [{"id": e.id, "title": e.title, "description": e.description, "query": e.query} for e in examples()]
    return {"total": len(items), "items": items}


@router.get("/api/examples/{example_id}", tags=["pages"], summary="One example query")
def example(example_id: str) -> dict[str, Any]:
    e = by_id(example_id)
    if e is None:
        raise HTTPException(404, f"no example query {example_id!r}")
    return {"id": e.id, "title": e.title, "description": e.description, "query": e.query}


@router.get("/query", response_class=HTMLResponse, include_in_schema=False)
def query_page(request: Request, ctx: CtxDep, example: str | None = None) -> HTMLResponse:
    items = example_list()["items"]
    chosen = by_id(example) if example else None
    data = {"examples": items, "initial": chosen.query if chosen else "", "id_base": ctx.id_base}
    return render(request, "query.html", data, json_twin="/api/examples", title="Query")


def _list_page(
    request: Request,
    title: str,
    api_path: str,
    page: Page,
    items: list[dict[str, Any]],
    columns: list[str],
    *,
    total: int | None = None,
    **extra: Any,
) -> HTMLResponse:
    """A list page. `items` is the whole list, or only the page when `total` is given."""
    params = {k: v for k, v in request.query_params.items() if k not in ("limit", "offset")}

    def url(offset: int) -> str:
        return request.url.path + "?" + urlencode({**params, "limit": page.limit, "offset": offset})

    if total is None:
        data = page.envelope(items, [])
    else:
        data = {"total": total, "limit": page.limit, "offset": page.offset, "items": items}
    data = {
        **data,
        "columns": columns,
        "prev": url(max(0, page.offset - page.limit)) if page.offset > 0 else None,
        "next": url(page.offset + page.limit) if page.offset + page.limit < data["total"] else None,
        **extra,
    }
    twin = api_path + ("?" + urlencode(dict(request.query_params)) if request.query_params else "")
    return render(request, "list.html", data, json_twin=twin, title=title)


@router.get("/search", response_class=HTMLResponse, include_in_schema=False)
def search_page(
    request: Request,
    ctx: CtxDep,
    index: Annotated[PassageIndex, Depends(get_passages)],
    page: Annotated[Page, Depends(page_params)],
    q: Annotated[str | None, Query(max_length=500)] = None,
) -> HTMLResponse:
    """Passage search over every stored document text (the page of /api/passages)."""
    data: dict[str, Any] = {"q": q or "", "total": 0, "items": [], "error": None, "help": QUERY_HELP}
    if q and q.strip():
        try:
            data.update(search_passages(ctx, index, q, limit=page.limit, offset=page.offset))
        except QueryError as exc:
            data["error"] = str(exc)
    for item in data["items"]:
        item["segments"] = _segments(item["quote"], item["highlights"])
    base = {"q": q or "", "limit": page.limit}
    data["prev"] = "/search?" + urlencode({**base, "offset": max(0, page.offset - page.limit)}) if page.offset else None
    more = page.offset + page.limit < data["total"]
    data["next"] = "/search?" + urlencode({**base, "offset": page.offset + page.limit}) if more else None
    data["offset"] = page.offset
    twin = "/api/passages?" + urlencode({"q": q}) if q else None
    return render(request, "search.html", data, json_twin=twin, title=f"Search: {q}" if q else "Search")


def _segments(quote: str, highlights: list[list[int]]) -> list[tuple[str, bool]]:
    """The quote cut into (text, matched) pieces, so the page marks the matched words."""
    out: list[tuple[str, bool]] = []
    at = 0
    for start, end in highlights:
        if start > at:
            out.append((quote[at:start], False))
        out.append((quote[start:end], True))
        at = end
    if at < len(quote):
        out.append((quote[at:], False))
    return out


@router.get("/persons", response_class=HTMLResponse, include_in_schema=False)
def persons_page(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    q: Annotated[str | None, Query(max_length=200)] = None,
    kind: Literal["defender", "authority", "other"] | None = None,
) -> HTMLResponse:
    items = [
        {**p, "cells": [", ".join(p["kinds"]), ", ".join(n for n in p["names"] if n != p["label"]), p["documents"]]}
        for p in list_persons(ctx, q=q or None, kind=kind)
    ]
    return _list_page(
        request, "People", "/api/persons", page, items, ["Name", "Kind", "Other names", "Documents"], search=True, q=q
    )


@router.get("/organisations", response_class=HTMLResponse, include_in_schema=False)
def organisations_page(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    q: Annotated[str | None, Query(max_length=200)] = None,
) -> HTMLResponse:
    items = [
        {**o, "cells": [o["kind"], ", ".join(n for n in o["names"] if n != o["label"]), o["documents"]]}
        for o in list_organisations(ctx, q=q or None)
    ]
    return _list_page(
        request,
        "Organisations",
        "/api/organisations",
        page,
        items,
        ["Name", "Kind", "Other names", "Documents"],
        search=True,
        q=q,
    )


@router.get("/authorities", response_class=HTMLResponse, include_in_schema=False)
def authorities_page(request: Request, ctx: CtxDep, page: Annotated[Page, Depends(page_params)]) -> HTMLResponse:
    items = []
    for a in authorities(ctx):
        did = sorted({f"{act['type']} ({act['role']})" for act in a["acts"]})
        items.append({**a, "cells": [a["kind"], "; ".join(a["positions"]), len(a["acts"]), ", ".join(did)]})
    return _list_page(
        request, "Authorities", "/api/authorities", page, items, ["Name", "Kind", "Post", "Acts", "What they did"]
    )


@router.get("/events", response_class=HTMLResponse, include_in_schema=False)
def events_page(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    type: str | None = None,
    person: str | None = None,
    date_from: Annotated[str | None, Query(alias="from", pattern=ISO_DATE)] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=ISO_DATE)] = None,
    place: str | None = None,
) -> HTMLResponse:
    # The JSON route validates the filters and resolves names; the page shows its answer.
    data = events_data(ctx, page, type=type, person=person, date_from=date_from, date_to=date_to, place=place)
    items = [
        {
            **e,
            "cells": [
                e["date"] or "undated",
                e["type"],
                e["arguments"].get("people", []),
                [s["document"] for s in e["sources"]],
            ],
        }
        for e in data["items"]
    ]
    return _list_page(
        request,
        "Events",
        "/api/events",
        page,
        items,
        ["Event", "Date", "Type", "People", "Source"],
        total=data["total"],
    )


@router.get("/documents", response_class=HTMLResponse, include_in_schema=False)
def documents_page(request: Request, ctx: CtxDep, page: Annotated[Page, Depends(page_params)]) -> HTMLResponse:
    items = [
        {
            **d,
            "cells": [
                d["published"] or "",
                ", ".join(d["publishers"]),
                d["reference"],
                d["counts"]["events"],
                d["extraction"],
            ],
        }
        for d in list_documents(ctx)
    ]
    return _list_page(
        request,
        "Documents",
        "/api/documents",
        page,
        items,
        ["Document", "Published", "Publishers", "Reference", "Events", "Made by"],
    )
