"""Passage search: GET /api/passages?q=... over every stored document text (ingest.passages)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import Response

from api.curated.passages import search_passages
from api.deps import get_passages
from api.paging import Page, page_params
from api.routers._common import CtxDep
from api.tabular import tabular
from ingest.passages import PassageIndex, QueryError

router = APIRouter(prefix="/api", tags=["passages"])

QUERY_HELP = (
    'words (all must occur), a "phrase in quotes", a prefix* (detain* finds detained and detainee), '
    "OR between two terms; case and accents are ignored"
)


@router.get("/passages", summary="Search every stored document text: passages with offsets, ranked")
def passages(
    request: Request,
    ctx: CtxDep,
    index: Annotated[PassageIndex, Depends(get_passages)],
    page: Annotated[Page, Depends(page_params)],
    q: Annotated[str, Query(min_length=1, max_length=500, description=QUERY_HELP)],
    document: Annotated[str | None, Query(max_length=300, description="only this document (its id or IRI)")] = None,
) -> Response:
    doc_iri = None
    if document:
        doc_iri = document if document.startswith(("http://", "https://")) else ctx.iri_of("document", document)
    try:
        data = search_passages(ctx, index, q, limit=page.limit, offset=page.offset, document=doc_iri)
    except QueryError as exc:
        raise HTTPException(422, str(exc)) from exc
    return tabular(request, "passages", {**data, "queries": ctx.queries})
