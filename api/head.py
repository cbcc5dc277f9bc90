"""HEAD for every GET: the same status and headers without the body (RFC 9110 9.3.2), so a
client can check an IRI, a page or a dump without downloading it.

FastAPI routes answer only the methods they list. Rather than list HEAD on every route (which
would double every operation in the OpenAPI document), `with_head` adds one hidden HEAD
route beside each GET route of a router; Starlette then sends the GET handler's headers only."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.routing import APIRoute


def with_head(router: APIRouter) -> APIRouter:
    """`router` with a hidden HEAD twin for each GET route that has none (call before
    including the router in the app). Returns the router."""
    routes = [r for r in router.routes if isinstance(r, APIRoute)]
    has_head = {r.path for r in routes if "HEAD" in (r.methods or ())}
    for route in routes:
        if "GET" not in (route.methods or ()) or route.path in has_head:
            continue
        router.add_api_route(
            route.path[len(router.prefix) :],  # add_api_route puts the prefix back
            route.endpoint,
            methods=["HEAD"],
            include_in_schema=False,
            response_class=route.response_class,
            response_model=route.response_model,
            status_code=route.status_code,
            name=f"{route.name}_head",
        )
        has_head.add(route.path)
    return router
