"""Proceedings: the steps of one prosecution across documents, as curated JSON and as a page
with a visual timeline (api/templates/proceeding.html, _timeline.html)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.curated.common import Ctx, NotFound
from api.fused.proceedings import list_proceedings, proceeding_detail
from api.fused.timeline import timeline_view
from api.paging import Page, page_params
from api.routers._common import CtxDep
from api.tabular import tabular
from api.templating import render

router = APIRouter(tags=["proceedings"])


def _iri(ctx: Ctx, proceeding_id: str) -> str:
    if not proceeding_id or "/" in proceeding_id:
        raise HTTPException(404, f"no proceeding with id {proceeding_id!r}")
    return ctx.iri("proceeding", proceeding_id).value


def _detail(ctx: Ctx, proceeding_id: str) -> dict[str, Any]:
    try:
        detail = proceeding_detail(ctx, _iri(ctx, proceeding_id))
    except NotFound as exc:
        raise HTTPException(404, f"no proceeding with id {proceeding_id!r}") from exc
    detail["timeline"] = timeline_view(detail["events"], detail["conflicts"])
    return detail


@router.get("/api/proceedings", summary="Proceedings (one prosecution each), optionally of one person")
def proceedings(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    person: Annotated[
        str | None, Query(max_length=300, description="a person id (the last part of its /id/person/ IRI) or IRI")
    ] = None,
) -> Response:
    person_iri = None
    if person:
        person_iri = person if person.startswith(("http://", "https://")) else ctx.iri("person", person).value
    return tabular(request, "proceedings", page.envelope(list_proceedings(ctx, person=person_iri), ctx.queries))


@router.get(
    "/api/proceedings/{proceeding_id}",
    summary="One proceeding: its steps with sources, everyone involved, conflicts, and the timeline layout",
)
def proceeding(proceeding_id: str, ctx: CtxDep) -> dict[str, Any]:
    return {**_detail(ctx, proceeding_id), "queries": ctx.queries}


@router.get("/api/proceedings/{proceeding_id}/timeline", summary="The proceeding's timeline (JSON twin of the page's)")
def proceeding_timeline(proceeding_id: str, ctx: CtxDep) -> dict[str, Any]:
    detail = _detail(ctx, proceeding_id)
    return {"proceeding": {k: detail[k] for k in ("iri", "id", "href", "label")}, **detail["timeline"]}


@router.get("/proceedings/{proceeding_id}", response_class=HTMLResponse, include_in_schema=False)
def proceeding_page(proceeding_id: str, request: Request, ctx: CtxDep) -> HTMLResponse:
    detail = _detail(ctx, proceeding_id)
    json_href = f"/api/proceedings/{proceeding_id}"
    return render(
        request,
        "proceeding.html",
        detail,
        json_twin=json_href,
        title=detail["label"],
        p=detail,
        timeline=detail["timeline"],
    )
