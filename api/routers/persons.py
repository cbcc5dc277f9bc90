"""Curated JSON: people, search, one person, a person's timeline."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from api.curated.common import Ctx, NotFound
from api.curated.facets import facet
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
from api.tabular import tabular

router = APIRouter(prefix="/api", tags=["persons"])


@router.get("/persons", summary="People, searchable by name (tolerant of transliteration)")
def persons(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    q: Annotated[
        str | None,
        Query(max_length=200, description='a name or part of one, in any romanisation ("Aliev" finds "Aliyev")'),
    ] = None,
    kind: Annotated[
        Literal["defender", "authority", "other"] | None, Query(description="defender, authority or other")
    ] = None,
) -> Response:
    return tabular(request, "persons", persons_data(ctx, page, q, kind))


def persons_data(ctx: Ctx, page: Page, q: str | None, kind: str | None) -> dict[str, Any]:
    """The answer of /api/persons (the page renders it too), with the count of each kind."""
    found = list_persons(ctx, q=q or None)
    facets = {"kind": facet(found, lambda p: p["kinds"], kind)}
    kept = [p for p in found if not kind or kind in p["kinds"]]
    return page.envelope(kept, ctx.queries, facets=facets)


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
