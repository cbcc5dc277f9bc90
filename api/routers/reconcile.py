"""/reconcile: the W3C Entity Reconciliation API 0.2 (what OpenRefine speaks) over people and
organisations. GET without `queries` is the service manifest; GET or POST (form field) with
`queries=` a JSON batch answers each query with candidates (api.curated.reconcile). Bad JSON,
too many queries, too long a query or an unknown type answer 400 saying which. The store comes
from api.deps.get_store, as for every other route (so what the public may not see stays hidden).

/reconcile/preview?id=person/x is the preview service: a small HTML card (name, type, other
spellings, how many documents name it, the IRI) that OpenRefine shows in an iframe when a user
hovers over a candidate; the one path whose answers other sites may frame (api.security)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from api.curated.reconcile import MAX_QUERY_LENGTH, BadQuery, parse_batch, preview, reconcile, suggest
from api.routers._common import CtxDep
from api.settings import Settings
from api.templating import render

router = APIRouter(tags=["reconciliation"])

BATCH_HELP = 'a JSON batch: {"q0": {"query": "Aliev", "type": "Person"}}'
MAX_BATCH_BYTES = 64 * 1024  # the `queries` text: 50 queries of 200 characters need far less
PREVIEW_WIDTH, PREVIEW_HEIGHT = 430, 200  # the card's frame in OpenRefine, in pixels


def manifest(settings: Settings) -> dict[str, Any]:
    origin = settings.origin
    return {
        "versions": ["0.2"],
        "name": "CaseGraph: people and organisations in human-rights cases",
        "identifierSpace": settings.base_iri + "id/",
        "schemaSpace": settings.base_iri + "ontology#",
        "defaultTypes": [{"id": t, "name": t} for t in ("Person", "Organisation", "Court")],
        "view": {"url": origin + "/id/{{id}}"},
        "preview": {"url": origin + "/reconcile/preview?id={{id}}", "width": PREVIEW_WIDTH, "height": PREVIEW_HEIGHT},
        "suggest": {
            "entity": {"service_url": origin, "service_path": "/reconcile/suggest/entity"},
        },
    }


def _error(message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=400)


def _answer(ctx: CtxDep, text: str) -> JSONResponse:
    if len(text) > MAX_BATCH_BYTES:
        return _error(f"queries: more than {MAX_BATCH_BYTES} characters")
    try:
        batch = json.loads(text)
    except json.JSONDecodeError as exc:
        return _error(f"queries is not JSON: {exc.msg} at line {exc.lineno} column {exc.colno}")
    try:
        queries = parse_batch(batch)
    except BadQuery as exc:
        return _error(str(exc))
    return JSONResponse({key: {"result": reconcile(ctx, q)} for key, q in queries.items()})


@router.get("/reconcile", summary="Reconciliation service (W3C 0.2): the manifest, or answers to `queries`")
def reconcile_get(
    request: Request,
    ctx: CtxDep,
    queries: Annotated[str | None, Query(description=BATCH_HELP)] = None,
) -> JSONResponse:
    if queries is None:
        return JSONResponse(manifest(request.app.state.settings))
    return _answer(ctx, queries)


@router.post("/reconcile", summary="Reconciliation queries as the form field `queries` (what OpenRefine sends)")
async def reconcile_post(request: Request, ctx: CtxDep) -> JSONResponse:
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        queries = form.get("queries")
    else:
        return _error("send the batch as the form field `queries` (application/x-www-form-urlencoded)")
    if not isinstance(queries, str):
        return JSONResponse(manifest(request.app.state.settings)) if queries is None else _error("queries: not text")
    return _answer(ctx, queries)


@router.get("/reconcile/suggest/entity", summary="Suggest entities by the start of a name (reconciliation suggest)")
def suggest_entity(
    ctx: CtxDep,
    prefix: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_LENGTH)],
) -> JSONResponse:
    return JSONResponse({"result": suggest(ctx, prefix)})


@router.get(
    "/reconcile/preview",
    response_class=HTMLResponse,
    summary="Preview card of a reconciliation candidate (HTML, for OpenRefine's iframe)",
)
def preview_entity(
    request: Request,
    ctx: CtxDep,
    id: Annotated[str, Query(min_length=1, max_length=MAX_QUERY_LENGTH, description="a candidate id, as person/x")],
) -> HTMLResponse:
    card = preview(ctx, id)
    if card is None:
        # The same answer as for any id the public store does not hold (a withheld entity too).
        data = {"status": 404, "message": f"no person or organisation {id}"}
        return render(request, "error.html", data, status_code=404, title="Not found")
    return render(request, "reconcile_preview.html", card, title=card["label"])
