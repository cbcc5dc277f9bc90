"""Curated JSON: events with filters, and one event."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.curated.common import TYPE_OF_CLASS, Ctx, NotFound
from api.curated.event_list import matching_event_rows, matching_events, page_of_events, upper_bound
from api.curated.events import event_detail
from api.curated.facets import facet
from api.identity import resolve
from api.paging import Page, page_params
from api.routers._common import CtxDep, Moved, entity_iri
from api.tabular import tabular
from ingest.names import name_key
from ingest.vocab import EVENT_CLASS

router = APIRouter(prefix="/api", tags=["events"])

ISO_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"


def _entity(ctx: Ctx, kind: str, value: str) -> str:
    """An id (`max-x`) or a name (`Max X`, keyed the way person and place IRIs are minted)
    -> the IRI that answers for it."""
    for key in dict.fromkeys((value, name_key(value))):
        target, known = resolve(ctx.store, ctx.iri_of(kind, key))
        if known and target:
            return target
    raise HTTPException(404, f"no {kind} {value!r} (give its id, as in /id/{kind}/ID, or its name)")


@router.get("/events", summary="Legal events, filtered by type, person, date range and place")
def events(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    type: Annotated[str | None, Query(description=f"one of: {', '.join(EVENT_CLASS)}")] = None,
    person: Annotated[str | None, Query(max_length=200, description="a person's id or name")] = None,
    date_from: Annotated[
        str | None, Query(alias="from", pattern=ISO_DATE, description="YYYY, YYYY-MM or YYYY-MM-DD")
    ] = None,
    date_to: Annotated[
        str | None, Query(alias="to", pattern=ISO_DATE, description="YYYY, YYYY-MM or YYYY-MM-DD")
    ] = None,
    place: Annotated[str | None, Query(max_length=200, description="a place's id or name")] = None,
) -> Response:
    # Plain JSON already: a JSONResponse skips FastAPI's encoder, a walk over every value.
    return tabular(request, "events", events_data(ctx, page, type, person, date_from, date_to, place))


def events_data(
    ctx: Ctx,
    page: Page,
    type: str | None = None,
    person: str | None = None,
    date_from: str | None = None,
    date_to: str | None = None,
    place: str | None = None,
) -> dict[str, Any]:
    """The answer of /api/events (the events page renders it too), with facet counts: how
    many events each type and each year would give under the other filters."""
    if type is not None and type not in EVENT_CLASS:
        raise HTTPException(422, f"type {type!r} is not one of: {', '.join(EVENT_CLASS)}")
    if date_from and date_to and date_from > upper_bound(date_to):
        raise HTTPException(422, f"from ({date_from}) is after to ({date_to})")
    filters = {
        "event_class": str(EVENT_CLASS[type]) if type else None,
        "person": _entity(ctx, "person", person) if person else None,
        "place": _entity(ctx, "place", place) if place else None,
        "date_from": date_from,
        "date_to": date_to,
    }
    iris = matching_events(ctx, **filters)
    items = page_of_events(ctx, iris, page.offset, page.limit)
    any_type = matching_event_rows(ctx, **{**filters, "event_class": None})
    any_date = matching_event_rows(ctx, **{**filters, "date_from": None, "date_to": None})
    year = date_from[:4] if date_from and date_to and date_from[:4] == date_to[:4] == date_to else None
    facets = {
        "type": facet(any_type, lambda r: [TYPE_OF_CLASS.get(r[1] or "", "other")], type),
        "year": facet(any_date, lambda r: [(r[2] or "")[:4] or "undated"], year, order="value-desc"),
    }
    return {
        "total": len(iris),
        "limit": page.limit,
        "offset": page.offset,
        "items": items,
        "facets": facets,
        "queries": ctx.queries,
    }


@router.get("/events/{event_id}", summary="One event: type, date, arguments, sources with quotes")
def event(event_id: str, request: Request, ctx: CtxDep) -> Any:
    try:
        iri = entity_iri(ctx, "event", event_id, request, "event")
        return {**event_detail(ctx, iri), "queries": ctx.queries}
    except Moved as exc:
        return RedirectResponse(exc.location, status_code=308)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
