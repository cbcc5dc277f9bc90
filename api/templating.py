"""Jinja2 for the HTML pages. Autoescaping is on for every template: names, quotes and titles
come from documents and must never become markup."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader

from ingest.vocab import PREFIXES

TEMPLATES = Path(__file__).parent / "templates"

env = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, trim_blocks=True, lstrip_blocks=True)


def curie(iri: str) -> str:
    """`cg:subject` for a known namespace, the IRI otherwise."""
    for prefix, ns in PREFIXES.items():
        if iri.startswith(str(ns)) and len(iri) > len(str(ns)):
            return f"{prefix}:{iri[len(str(ns)) :]}"
    return iri


env.filters["curie"] = curie


def render(
    request: Request,
    template: str,
    data: dict[str, Any],
    *,
    status_code: int = 200,
    json_twin: str | None = None,
    title: str = "",
    **context: Any,
) -> HTMLResponse:
    """Render `template` (which extends base.html, so every page has the same menu) with the
    page data under `data` and any other `context`; `json_twin` is the URL of the same data
    as JSON (linked from the page)."""
    html = env.get_template(template).render(
        data=data, json_twin=json_twin, title=title, path=request.url.path, **context
    )
    return HTMLResponse(html, status_code=status_code)
