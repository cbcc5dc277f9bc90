"""Conflicts: where the sources disagree, as curated JSON (the fused view, ingest.fusion)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from api.fused.conflicts import find_conflicts
from api.paging import Page, page_params
from api.routers._common import CtxDep
from api.tabular import tabular
from ingest.vocab import CG, EVENT_CLASS

router = APIRouter(prefix="/api", tags=["conflicts"])

# Properties a conflict can be about (event arguments and entity properties).
EVENT_TYPES = tuple(EVENT_CLASS)
PROPERTIES = (
    "date",
    "place",
    "actor",
    "judge",
    "fromLocation",
    "toLocation",
    "provision",
    "replaces",
    "outcome",
    "penalty",
    "position",
    "affiliation",
    "residence",
    "personKind",
)


@router.get("/conflicts", summary="Where the sources disagree: each value with the documents that state it")
def conflicts(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    person: Annotated[
        str | None,
        Query(
            max_length=300,
            description="a person id (the end of its /id/person/ IRI) or IRI: conflicts about them or their events",
        ),
    ] = None,
    event_type: Annotated[
        str | None, Query(alias="type", description="an event type of FORMAT.md (transfer, charge...)")
    ] = None,
    prop: Annotated[
        str | None, Query(alias="property", description="the disputed property (date, toLocation, affiliation...)")
    ] = None,
) -> Response:
    if event_type is not None and event_type not in EVENT_TYPES:
        raise HTTPException(422, f"unknown event type {event_type!r}; one of: {', '.join(EVENT_TYPES)}")
    if prop is not None and prop not in PROPERTIES:
        raise HTTPException(422, f"unknown property {prop!r}; one of: {', '.join(PROPERTIES)}")
    person_iri = None
    if person:
        person_iri = person if person.startswith(("http://", "https://")) else ctx.iri("person", person).value
    items = find_conflicts(ctx, person=person_iri, event_type=event_type, prop=prop)
    data = page.envelope(
        items,
        ctx.queries,
        filters={"person": person_iri, "type": event_type, "property": prop},
        vocabulary=str(CG),
    )
    return tabular(request, "conflicts", data)
