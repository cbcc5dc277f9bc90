"""Who may see withheld documents (ingest.publication): a request whose token has the
`read-withheld` scope. The auth middleware (tokens) marks such a request with
`request.state.read_withheld = True`; everything else is the public side.

Every route reads the store through the view this decides (api.deps.get_store), so a request
without the mark can never reach a withheld document, whatever the route.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request


def can_read_withheld(request: Request) -> bool:
    return bool(getattr(request.state, "read_withheld", False))


def scope_reads_withheld(scope: dict[str, Any]) -> bool:
    """The same for an ASGI scope (middlewares that run before a Request exists): Starlette
    keeps `request.state` in `scope["state"]`."""
    state = scope.get("state")
    return bool(state.get("read_withheld", False)) if isinstance(state, dict) else False
