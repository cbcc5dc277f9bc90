"""Curated JSON: organisations, one organisation, and authorities with what they did."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse

from api.curated.agents import authorities
from api.curated.common import NotFound
from api.curated.organisations import list_organisations, organisation_detail
from api.paging import Page, page_params
from api.routers._common import CtxDep, Moved, entity_iri
from ingest.vocab import ORGANISATION_CLASS

router = APIRouter(prefix="/api", tags=["organisations"])

ORGANISATION_KINDS = tuple(ORGANISATION_CLASS)


@router.get("/organisations", summary="Organisations (courts, state bodies, NGOs, detention facilities...)")
def organisations(
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    q: Annotated[str | None, Query(max_length=200, description="a name or part of one")] = None,
    kind: Annotated[str | None, Query(description=f"one of: {', '.join(ORGANISATION_KINDS)}")] = None,
) -> dict[str, Any]:
    if kind is not None and kind not in ORGANISATION_KINDS:
        raise HTTPException(422, f"kind {kind!r} is not one of: {', '.join(ORGANISATION_KINDS)}")
    return page.envelope(list_organisations(ctx, q=q or None, kind=kind), ctx.queries)


@router.get("/organisations/{org_id}", summary="One organisation, what each document says about it, what it did")
def organisation(org_id: str, request: Request, ctx: CtxDep) -> Any:
    try:
        iri = entity_iri(ctx, "organisation", org_id, request, "organisation")
        return {**organisation_detail(ctx, iri), "queries": ctx.queries}
    except Moved as exc:
        return RedirectResponse(exc.location, status_code=308)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc


@router.get("/authorities", summary="Officials and bodies with what they did (as authority or judge)")
def authority_list(ctx: CtxDep, page: Annotated[Page, Depends(page_params)]) -> dict[str, Any]:
    return page.envelope(authorities(ctx), ctx.queries)
