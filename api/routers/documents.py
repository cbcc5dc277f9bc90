"""Curated JSON: source documents, and one document with the facts it gave."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse

from api.curated.common import NotFound
from api.curated.documents import document_detail, list_documents
from api.paging import Page, page_params
from api.routers._common import CtxDep, Moved, entity_iri

router = APIRouter(prefix="/api", tags=["documents"])


@router.get("/documents", summary="Source documents, newest first")
def documents(ctx: CtxDep, page: Annotated[Page, Depends(page_params)]) -> dict[str, Any]:
    return page.envelope(list_documents(ctx), ctx.queries)


@router.get("/documents/{document_id}", summary="One document: metadata, the facts it gave, validation")
def document(document_id: str, request: Request, ctx: CtxDep) -> Any:
    try:
        iri = entity_iri(ctx, "document", document_id, request, "document")
        return {**document_detail(ctx, iri), "queries": ctx.queries}
    except Moved as exc:
        return RedirectResponse(exc.location, status_code=308)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
