"""Security headers on every answer, and the one Content-Security-Policy of the site.

The policy allows scripts, styles, fonts and images from this origin only, and no inline
script or style at all (no `<script>` with code in it, no `<style>` element, no `style=`
attribute, no `on...=` handler), so markup that slips into a page from a document (names,
quotes and titles come from documents) can never run. Pages put their code in api/static/*.js
and their styles in api/static/*.css, loaded with <script src> and <link rel=stylesheet>.
A `<script type="application/json">` data block is not code and is allowed.

ADDING A PAGE FEATURE: put the files in api/static/ (vendored libraries too: never a CDN, the
product downloads nothing at run time) and they fit this policy as it is. If something truly
needs more (a web worker from a blob:, say), widen POLICY here, in this one place, with a
comment saying which page needs it and why; never per route, never 'unsafe-inline'.

The reconciliation preview card (FRAMEABLE_PATHS) may be framed by any site: OpenRefine shows
it in an iframe. The other exception is the OpenAPI explorer at /docs, whose Swagger UI is loaded by the browser
from the CDN FastAPI uses (DOCS_POLICY); its start-up code is our own static file.
"""

from __future__ import annotations

from typing import Any

# The site's Content-Security-Policy, directive by directive.
POLICY: dict[str, str] = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",  # data: for small icons written into CSS
    "font-src": "'self'",
    "connect-src": "'self'",  # the query page fetches /sparql
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",  # no page of ours inside another site's frame (clickjacking)
}

# /docs only: Swagger UI's script and stylesheet come from its CDN, its favicon from FastAPI's
# site. Swagger UI sets style attributes in the markup it builds, hence inline styles there
# (the page shows the OpenAPI schema, nothing from documents); scripts stay 'self' + the CDN.
SWAGGER_CDN = "https://cdn.jsdelivr.net"
DOCS_POLICY: dict[str, str] = {
    **POLICY,
    "script-src": f"'self' {SWAGGER_CDN}",
    "style-src": f"'self' {SWAGGER_CDN} 'unsafe-inline'",
    "img-src": "'self' data: https://fastapi.tiangolo.com",
}
DOCS_PATHS = ("/docs",)

# The reconciliation preview card (api.routers.reconcile) is made to be framed: OpenRefine
# shows it in an iframe of its own page, on whatever origin OpenRefine runs. The card is
# read-only public data with nothing to click but a link that opens elsewhere, so framing it
# cannot trick a user into an action (what frame-ancestors 'none' guards against everywhere
# else). Only frame-ancestors is widened; X-Frame-Options is left off, as it cannot say "any".
FRAMEABLE_POLICY: dict[str, str] = {**POLICY, "frame-ancestors": "*"}
FRAMEABLE_PATHS = ("/reconcile/preview",)


def policy_text(policy: dict[str, str]) -> str:
    return "; ".join(f"{name} {value}" for name, value in policy.items())


# Sent with every answer, whatever its type: a JSON or Turtle body must not be sniffed into
# HTML either, and no page of ours may be framed.
HEADERS: dict[str, str] = {
    "Content-Security-Policy": policy_text(POLICY),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Readers follow links from here to the sources; the page they came from (a person, a
    # search) is nobody else's business.
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), interest-cohort=()",
}

_RAW = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in HEADERS.items()]
_DOCS_CSP = policy_text(DOCS_POLICY).encode("latin-1")
_FRAMEABLE_CSP = policy_text(FRAMEABLE_POLICY).encode("latin-1")


class SecurityHeaders:
    """ASGI middleware: HEADERS on every answer (a header the app set itself is kept)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path")
        csp = _DOCS_CSP if path in DOCS_PATHS else _FRAMEABLE_CSP if path in FRAMEABLE_PATHS else None
        frameable = path in FRAMEABLE_PATHS

        async def with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {k.lower() for k, _ in headers}
                for name, value in _RAW:
                    if name not in present:
                        if frameable and name == b"x-frame-options":
                            continue
                        if csp is not None and name == b"content-security-policy":
                            value = csp
                        headers.append((name, value))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)
