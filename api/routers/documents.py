"""Curated JSON: source documents, and one document with the facts it gave."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from api.curated.common import Ctx, NotFound
from api.curated.documents import document_detail, list_documents
from api.curated.facets import facet
from api.paging import Page, page_params
from api.routers._common import CtxDep, Moved, entity_iri
from api.tabular import tabular

router = APIRouter(prefix="/api", tags=["documents"])


@router.get("/documents", summary="Source documents, newest first; filtered by publisher, year, language, how made")
def documents(
    request: Request,
    ctx: CtxDep,
    page: Annotated[Page, Depends(page_params)],
    publisher: Annotated[str | None, Query(max_length=300, description="a publisher's name")] = None,
    year: Annotated[str | None, Query(pattern=r"^(\d{4}|undated)$", description="YYYY, or undated")] = None,
    language: Annotated[str | None, Query(max_length=20, description="a language code (en)")] = None,
    extraction: Annotated[str | None, Query(description="automatic or curated")] = None,
) -> Response:
    return tabular(request, "documents", documents_data(ctx, page, publisher, year, language, extraction))


def documents_data(
    ctx: Ctx,
    page: Page,
    publisher: str | None = None,
    year: str | None = None,
    language: str | None = None,
    extraction: str | None = None,
) -> dict[str, Any]:
    """The answer of /api/documents (the page renders it too), with facet counts."""
    wanted = {"publisher": publisher, "year": year, "language": language, "extraction": extraction}
    values = {
        "publisher": lambda d: d["publishers"] or ["not stated"],
        "year": lambda d: [(d["published"] or "")[:4] or "undated"],
        "language": lambda d: [d["language"] or "not stated"],
        "extraction": lambda d: [d["extraction"] or "not stated"],
    }

    def keep(d: dict[str, Any], skip: str = "") -> bool:
        return all(name == skip or not value or value in values[name](d) for name, value in wanted.items())

    every = list_documents(ctx)
    facets = {
        name: facet(
            [d for d in every if keep(d, name)],
            values[name],
            wanted[name],
            order="value-desc" if name == "year" else "count",
        )
        for name in wanted
    }
    return page.envelope([d for d in every if keep(d)], ctx.queries, facets=facets)


@router.get("/documents/{document_id}", summary="One document: metadata, the facts it gave, validation")
def document(document_id: str, request: Request, ctx: CtxDep) -> Any:
    try:
        iri = entity_iri(ctx, "document", document_id, request, "document")
        return {**document_detail(ctx, iri), "queries": ctx.queries}
    except Moved as exc:
        return RedirectResponse(exc.location, status_code=308)
    except NotFound as exc:
        raise HTTPException(404, str(exc)) from exc
