"""Curated JSON: organisations, one organisation, and authorities with what they did."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.curated.agents import authorities
from api.curated.common import Ctx, NotFound
from api.curated.facets import facet
from api.curated.organisations import list_organisations, organisation_detail
from api.paging import Page, page_params
from api.routers._common import CtxDep, Moved, entity_iri
from api.tabular import tabular
from ingest.vocab import EVENT_CLASS, ORGANISATION_CLASS

router = APIRouter(prefix="/api", tags=["organisations"])

ORGANISATION_KINDS = tuple(ORGANISATION_CLASS)


@router.get("/organisations", summary="Organisations (courts, state bodies, NGOs, detention facilities...)")
def organisations(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    q: Annotated[str | None, Query(max_length=200, description="a name or part of one")] = None,
    kind: Annotated[str | None, Query(description=f"one of: {', '.join(ORGANISATION_KINDS)}")] = None,
) -> Response:
    return tabular(request, "organisations", organisations_data(ctx, page, q, kind))


def organisations_data(ctx: Ctx, page: Page, q: str | None, kind: str | None) -> dict[str, Any]:
    """The answer of /api/organisations (the page renders it too), with the count of each kind."""
    if kind is not None and kind not in ORGANISATION_KINDS:
        raise HTTPException(422, f"kind {kind!r} is not one of: {', '.join(ORGANISATION_KINDS)}")
    found = list_organisations(ctx, q=q or None)
    facets = {"kind": facet(found, lambda o: [o["kind"]], kind)}
    kept = [o for o in found if not kind or o["kind"] == kind]
    return page.envelope(kept, ctx.queries, facets=facets)


@router.get("/organisations/{org_id}", summary="One organisation, what each document says about it, what it did")
def organisation(org_id: str, request: Request, ctx: CtxDep) -> Any:
    try:
        iri = entity_iri(ctx, "organisation", org_id, request, "organisation")
        return {**organisation_detail(ctx, iri), "queries": ctx.queries}
    except Moved as exc:
        return RedirectResponse(exc.location, status_code=308)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc


AUTHORITY_KINDS = ("person", "organisation", "agent")
ROLES = ("authority", "judge", "from", "to", "place")


@router.get("/authorities", summary="Officials and bodies with what they did (as authority or judge)")
def authority_list(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    kind: Annotated[str | None, Query(description=f"one of: {', '.join(AUTHORITY_KINDS)}")] = None,
    role: Annotated[str | None, Query(description="what they were in the event: authority or judge")] = None,
    type: Annotated[str | None, Query(description=f"an event type they acted in: {', '.join(EVENT_CLASS)}")] = None,
) -> Response:
    return tabular(request, "authorities", authorities_data(ctx, page, kind, role, type))


def authorities_data(
    ctx: Ctx, page: Page, kind: str | None = None, role: str | None = None, type: str | None = None
) -> dict[str, Any]:
    """The answer of /api/authorities (the page renders it too): the officials and bodies
    kept by the filters, with facet counts of each kind, role and event type."""
    for name, value, allowed in (("kind", kind, AUTHORITY_KINDS), ("role", role, ROLES), ("type", type, EVENT_CLASS)):
        if value is not None and value not in allowed:
            raise HTTPException(422, f"{name} {value!r} is not one of: {', '.join(allowed)}")

    def keep(a: dict[str, Any], skip: str = "") -> bool:
        acts = a["acts"]
        return (
            (skip == "kind" or not kind or a["kind"] == kind)
            and (skip == "role" or not role or any(x["role"] == role for x in acts))
            and (skip == "type" or not type or any(x["type"] == type for x in acts))
        )

    every = authorities(ctx)
    facets = {
        "kind": facet([a for a in every if keep(a, "kind")], lambda a: [a["kind"]], kind),
        "role": facet([a for a in every if keep(a, "role")], lambda a: [x["role"] for x in a["acts"]], role),
        "type": facet([a for a in every if keep(a, "type")], lambda a: [x["type"] for x in a["acts"]], type),
    }
    return page.envelope([a for a in every if keep(a)], ctx.queries, facets=facets)
