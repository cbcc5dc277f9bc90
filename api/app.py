"""The app factory: `create_app(settings)` builds a FastAPI app over one store."""

from __future__ import annotations

import importlib

from fastapi import FastAPI

# Router modules under api/routers/, each exposing `router`. Order matters only where paths overlap.
ROUTERS = (
    "health",
    "sparql",
    "dumps",
    "persons",
    "organisations",
    "events",
    "documents",
    "conflicts",
    "proceedings",
    "linked_data",
    "pages",
)


def create_app() -> FastAPI:
    app = FastAPI(title="CaseGraph", version="0.1.0")
    for name in ROUTERS:
        module = importlib.import_module(f"api.routers.{name}")
        app.include_router(module.router)
    return app
