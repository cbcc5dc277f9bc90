"""Curated JSON: people, search, one person, a person's timeline."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse

from api.curated.common import NotFound
from api.curated.persons import (
    list_persons,
    person_acts,
    person_conflicts,
    person_detail,
    person_label,
    person_timeline,
)
from api.paging import Page, page_params
from api.routers._common import CtxDep, Moved, entity_iri

router = APIRouter(prefix="/api", tags=["persons"])


@router.get("/persons", summary="People, searchable by name (tolerant of transliteration)")
def persons(
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    q: Annotated[
        str | None,
        Query(max_length=200, description='a name or part of one, in any romanisation ("Aliev" finds "Aliyev")'),
    ] = None,
    kind: Annotated[
        Literal["defender", "authority", "other"] | None, Query(description="defender, authority or other")
    ] = None,
) -> dict[str, Any]:
    return page.envelope(list_persons(ctx, q=q or None, kind=kind), ctx.queries)


@router.get("/persons/{person_id}", summary="One person and what each document says about them")
def person(person_id: str, request: Request, ctx: CtxDep) -> Any:
    try:
        iri = entity_iri(ctx, "person", person_id, request, "person")
        return {**person_detail(ctx, iri), "acts": person_acts(ctx, iri), "queries": ctx.queries}
    except Moved as exc:
        return RedirectResponse(exc.location, status_code=308)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc


@router.get("/persons/{person_id}/timeline", summary="Every event of a person in date order, with sources and quotes")
def timeline(person_id: str, request: Request, ctx: CtxDep) -> Any:
    try:
        iri = entity_iri(ctx, "person", person_id, request, "person")
    except Moved as exc:
        return RedirectResponse(exc.location, status_code=308)
    conflicts = person_conflicts(ctx, iri)
    events = person_timeline(ctx, iri, conflicts)
    # Plain JSON already: a JSONResponse skips FastAPI's encoder, a walk over every value.
    return JSONResponse(
        {
            "person": ctx.ref(iri, person_label(ctx, iri)),
            "total": len(events),
            "events": events,
            "conflicts": conflicts,
            "queries": ctx.queries,
        }
    )
