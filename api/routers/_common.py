"""What the curated JSON routers share: the request context, id -> IRI with merged ids
redirected, and 404s that say what was not found."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.responses import RedirectResponse

from api.curated.common import Ctx
from api.deps import get_settings, get_store
from api.identity import resolve
from api.settings import Settings
from ingest.store import Store


def get_ctx(store: Annotated[Store, Depends(get_store)], settings: Annotated[Settings, Depends(get_settings)]) -> Ctx:
    return Ctx(store, settings.base_iri)


CtxDep = Annotated[Ctx, Depends(get_ctx)]


class Moved(Exception):
    def __init__(self, location: str) -> None:
        self.location = location


def entity_iri(ctx: Ctx, kind: str, key: str, request: Request, what: str) -> str:
    """The IRI for /api/<kind>s/<key>: 404 if unknown, Moved (-> 308) if merged into another."""
    if not key or "/" in key:
        raise HTTPException(404, f"no {what} with id {key!r}")
    iri = ctx.iri_of(kind, key)
    target, known = resolve(ctx.store, iri)
    if not known or target is None:
        raise HTTPException(404, f"no {what} with id {key!r} (IRI {iri})")
    if target != iri:
        new_key = (ctx.key(target) or "").split("/", 1)[-1]
        location = request.url.path.replace(f"/{key}", f"/{new_key}", 1)
        if request.url.query:
            location += "?" + request.url.query
        raise Moved(location)
    return iri


def moved_response(exc: Moved) -> RedirectResponse:
    return RedirectResponse(exc.location, status_code=308)
