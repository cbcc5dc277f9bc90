"""HTML pages: home, the lists (people, organisations, authorities, events, documents) and the
/query page. Each page renders the same data its JSON twin answers with (linked from the page
and its `Link` header); entity pages live at their IRIs, under /id/ (api.routers.linked_data)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Body, Depends, HTTPException, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from api.curated.home import overview
from api.curated.labels import resource_labels
from api.curated.passages import search_passages
from api.deps import get_passages
from api.examples import by_id, examples
from api.paging import Page, page_params
from api.routers._common import CtxDep
from api.routers.documents import documents_data
from api.routers.events import ISO_DATE, events_data
from api.routers.organisations import authorities_data, organisations_data
from api.routers.passages import QUERY_HELP
from api.routers.persons import persons_data
from api.tabular import tabular
from api.templating import render
from api.vocabulary import vocabulary
from ingest.passages import PassageIndex, QueryError

router = APIRouter()

STATIC = Path(__file__).resolve().parent.parent / "static"
STATIC_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".txt": "text/plain; charset=utf-8",
}


@router.get("/static/{name}", include_in_schema=False)
def static(name: str) -> Response:
    path = (STATIC / name).resolve()
    if path.parent != STATIC or not path.is_file() or path.suffix not in STATIC_TYPES:
        raise HTTPException(404, f"no static file {name!r}")
    return FileResponse(path, media_type=STATIC_TYPES[path.suffix], headers={"Cache-Control": "public, max-age=300"})


@router.get("/favicon.ico", include_in_schema=False)
def favicon() -> Response:
    """Browsers ask for /favicon.ico whatever the page says: the same icon (SVG)."""
    return FileResponse(
        STATIC / "favicon.svg", media_type="image/svg+xml", headers={"Cache-Control": "public, max-age=86400"}
    )


@router.get("/api/stats", tags=["pages"], summary="What the graph holds: counts, event types, recent documents")
def stats(ctx: CtxDep) -> dict[str, Any]:
    return {**overview(ctx), "queries": ctx.queries}


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def home(request: Request, ctx: CtxDep) -> HTMLResponse:
    return render(request, "home.html", overview(ctx), json_twin="/api/stats", title="")


@router.get("/api/examples", tags=["pages"], summary="The example SPARQL queries of the /query page")
def example_list_route(request: Request) -> Response:
    return tabular(request, "examples", example_list())


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
def query_page(
    request: Request,
    ctx: CtxDep,
    example: str | None = None,
    query: Annotated[str | None, Query(max_length=100_000, description="a query to open in the editor")] = None,
) -> HTMLResponse:
    """The SPARQL editor. `?query=...` opens with that query (a shared link), `?example=ID`
    with an example."""
    items = example_list()["items"]
    chosen = by_id(example) if example and not query else None
    data = {
        "examples": items,
        "initial": query if query else chosen.query if chosen else "",
        "description": chosen.description if chosen else "",
        "id_base": ctx.id_base,
    }
    return render(request, "query.html", data, json_twin="/api/examples", title="Query")


@router.get("/api/vocabulary", tags=["pages"], summary="Prefixes and ontology terms (what the query editor completes)")
def vocabulary_terms(ctx: CtxDep) -> dict[str, Any]:
    return vocabulary(ctx.id_base)


MAX_LABELS = 1000


@router.post("/api/labels", tags=["pages"], summary="Names of resources: IRI -> label (for query results)")
def labels(ctx: CtxDep, iris: Annotated[list[str], Body(max_length=MAX_LABELS)]) -> dict[str, Any]:
    """The label to show beside each IRI minted here (documents as "Publisher, date: title",
    people by their fullest name); other IRIs are left out."""
    return {"labels": resource_labels(ctx, iris), "queries": ctx.queries}


def _list_page(
    request: Request,
    title: str,
    api_path: str,
    data: dict[str, Any],
    columns: list[str],
    filters: list[dict[str, Any]],
    **extra: Any,
) -> HTMLResponse:
    """A list page from its API answer `data` (a page of items with total and facets): the
    filter controls (each option with its count), the table, the pager and a CSV download."""
    # Empty form fields ("any") are no filter: left out of every link.
    params = {k: v for k, v in request.query_params.items() if k not in ("limit", "offset") and v}
    limit, offset = int(data["limit"]), int(data["offset"])

    def url(at: int) -> str:
        return request.url.path + "?" + urlencode({**params, "limit": limit, "offset": at})

    query = urlencode(params)
    data = {
        **data,
        "columns": columns,
        "filters": filters,
        "filtered": any(params.get(f["name"]) for f in filters),
        "prev": url(max(0, offset - limit)) if offset > 0 else None,
        "next": url(offset + limit) if offset + limit < data["total"] else None,
        "csv": api_path + "?" + urlencode({**params, "format": "csv"}),
        **extra,
    }
    twin = api_path + ("?" + query if query else "")
    return render(request, "list.html", data, json_twin=twin, title=title)


def _choice(name: str, label: str, options: list[dict[str, Any]], value: str | None) -> dict[str, Any]:
    """A filter control: a select whose options are a facet's values with their counts."""
    return {"name": name, "label": label, "control": "select", "value": value or "", "options": options}


def _text(name: str, label: str, value: str | None, placeholder: str = "", control: str = "text") -> dict[str, Any]:
    return {"name": name, "label": label, "control": control, "value": value or "", "placeholder": placeholder}


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
    kind: Annotated[str | None, Query(pattern="^(defender|authority|other)?$")] = None,
) -> HTMLResponse:
    kind = kind or None  # an empty choice ("any") in the form is no filter
    data = persons_data(ctx, page, q, kind)
    for p in data["items"]:
        p["cells"] = [", ".join(p["kinds"]), ", ".join(n for n in p["names"] if n != p["label"]), p["documents"]]
    filters = [
        _text("q", "Name", q, "a name, in any spelling", control="search"),
        _choice("kind", "Kind", data["facets"]["kind"], kind),
    ]
    columns = ["Name", "Kind", "Other names", "Documents"]
    return _list_page(request, "People", "/api/persons", data, columns, filters)


@router.get("/organisations", response_class=HTMLResponse, include_in_schema=False)
def organisations_page(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    q: Annotated[str | None, Query(max_length=200)] = None,
    kind: str | None = None,
) -> HTMLResponse:
    data = organisations_data(ctx, page, q, kind or None)
    for o in data["items"]:
        o["cells"] = [o["kind"], ", ".join(n for n in o["names"] if n != o["label"]), o["documents"]]
    filters = [
        _text("q", "Name", q, "a name or part of one", control="search"),
        _choice("kind", "Kind", data["facets"]["kind"], kind),
    ]
    columns = ["Name", "Kind", "Other names", "Documents"]
    return _list_page(request, "Organisations", "/api/organisations", data, columns, filters)


@router.get("/authorities", response_class=HTMLResponse, include_in_schema=False)
def authorities_page(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    kind: str | None = None,
    role: str | None = None,
    type: str | None = None,
) -> HTMLResponse:
    data = authorities_data(ctx, page, kind or None, role or None, type or None)
    for a in data["items"]:
        did = sorted({f"{act['type']} ({act['role']})" for act in a["acts"]})
        a["cells"] = [a["kind"], "; ".join(a["positions"]), len(a["acts"]), ", ".join(did)]
    filters = [
        _choice("kind", "Kind", data["facets"]["kind"], kind),
        _choice("role", "Role", data["facets"]["role"], role),
        _choice("type", "Acted in", data["facets"]["type"], type),
    ]
    columns = ["Name", "Kind", "Post", "Acts", "What they did"]
    return _list_page(request, "Authorities", "/api/authorities", data, columns, filters)


@router.get("/events", response_class=HTMLResponse, include_in_schema=False)
def events_page(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    type: str | None = None,
    person: str | None = None,
    date_from: Annotated[str | None, Query(alias="from", pattern=ISO_DATE + "|^$")] = None,
    date_to: Annotated[str | None, Query(alias="to", pattern=ISO_DATE + "|^$")] = None,
    place: str | None = None,
) -> HTMLResponse:
    # The JSON route validates the filters and resolves names; the page shows its answer.
    data = events_data(
        ctx,
        page,
        type=type or None,
        person=person or None,
        date_from=date_from or None,
        date_to=date_to or None,
        place=place or None,
    )
    for e in data["items"]:
        e["cells"] = [
            e["date"] or "undated",
            e["type"],
            e["arguments"].get("people", []),
            [s["document"] for s in e["sources"]],
        ]
    years = [{**y, "value": y["value"]} for y in data["facets"]["year"] if y["value"] != "undated"]
    filters = [
        _choice("type", "Type", data["facets"]["type"], type),
        _text("person", "Person", person, "a name or id"),
        _text("place", "Place", place, "a place name"),
        _text("from", "From", date_from, "YYYY, YYYY-MM or YYYY-MM-DD"),
        _text("to", "To", date_to, "YYYY, YYYY-MM or YYYY-MM-DD"),
    ]
    columns = ["Event", "Date", "Type", "People", "Source"]
    return _list_page(request, "Events", "/api/events", data, columns, filters, years=years)


@router.get("/documents", response_class=HTMLResponse, include_in_schema=False)
def documents_page(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    publisher: str | None = None,
    year: Annotated[str | None, Query(pattern=r"^(\d{4}|undated)?$")] = None,
    language: str | None = None,
    extraction: str | None = None,
) -> HTMLResponse:
    data = documents_data(ctx, page, publisher or None, year or None, language or None, extraction or None)
    for d in data["items"]:
        d["cells"] = [
            d["published"] or "",
            ", ".join(d["publishers"]),
            d["reference"],
            d["counts"]["events"],
            d["extraction"],
        ]
    filters = [
        _choice("publisher", "Publisher", data["facets"]["publisher"], publisher),
        _choice("year", "Year", data["facets"]["year"], year),
        _choice("language", "Language", data["facets"]["language"], language),
        _choice("extraction", "Made by", data["facets"]["extraction"], extraction),
    ]
    columns = ["Document", "Published", "Publishers", "Reference", "Events", "Made by"]
    return _list_page(request, "Documents", "/api/documents", data, columns, filters)
