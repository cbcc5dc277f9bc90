"""Who a request speaks for: bearer tokens (ingest.tokens) checked once per request, and the
scopes routes require.

`Authentication` (ASGI middleware, inside api.limits.ClientLimits so the client is known):

- A token in the URL (`?token=`, `?access_token=`) is refused with 400 on every route: URLs
  end up in logs, proxies and browser histories. The access log never shows it (RedactTokens).
- No `Authorization` header: an anonymous request (`request.state.principal` None), which sees
  the public view only.
- `Authorization: Bearer <token>`: a valid token sets `request.state.principal` (name, scopes)
  and `request.state.read_withheld` (read-withheld or admin); anything else (another scheme,
  a malformed, unknown, wrong, expired or revoked token) gets 401 with one fixed body, so the
  answer says nothing about which it was. A bad token is never quietly served the public view:
  a partner whose token lapsed must hear so, not read a smaller store as if it were whole.
- Failed authentications cost the client a token from its own bucket (api.limits.TokenBuckets,
  keyed by the client api.clients identified): Settings.auth_failure_burst of them, then one
  per 1/auth_failure_rate seconds; a client with none left gets 429 with Retry-After before its
  token is even checked, so guessing is slow whatever the guesses are.

Routes say what they need with `Depends(require_scope("ingest"))`: no principal -> 401 (the same
body), a principal without the scope -> 403 naming the scope. Both raise AuthError, which the
app answers with `auth_error_response` (JSON `{"error": ...}` like the app's other errors).
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import anyio
from fastapi import Request
from fastapi.responses import Response

from api.clients import ClientRequest, client_of
from api.limits import TokenBuckets
from api.responses import send_plain
from ingest.tokens import Principal, TokenFile

# Query parameters that would carry a token in the URL.
URL_TOKEN_KEYS = frozenset({"token", "access_token", "access-token", "bearer", "api_key", "apikey"})

SCRYPT_AT_ONCE = 2
_UNAUTHORIZED = (json.dumps({"error": "unauthorized"}) + "\n").encode("utf-8")
_CHALLENGE = 'Bearer realm="casegraph"'


class AuthError(Exception):
    """401 (no valid token) or 403 (a valid token without `scope`)."""

    def __init__(self, status: int, scope: str | None = None) -> None:
        super().__init__(status, scope)
        self.status, self.scope = status, scope


def auth_error_response(exc: AuthError) -> Response:
    if exc.status == 401:
        return Response(
            _UNAUTHORIZED, status_code=401, media_type="application/json", headers={"WWW-Authenticate": _CHALLENGE}
        )
    body = {"error": "forbidden", "detail": f"this token does not have the {exc.scope} scope"}
    return Response(json.dumps(body) + "\n", status_code=403, media_type="application/json")


def principal_of(request: Request) -> Principal | None:
    principal: Principal | None = getattr(request.state, "principal", None)
    return principal


def require_scope(scope: str) -> Callable[[Request], Principal]:
    """A FastAPI dependency: the request's principal when it holds `scope` (admin holds all)."""

    def check(request: Request) -> Principal:
        principal = principal_of(request)
        if principal is None:
            raise AuthError(401)
        if not principal.has(scope):
            raise AuthError(403, scope)
        return principal

    check.__name__ = f"require_{scope.replace('-', '_')}"
    return check


def url_token(query_string: bytes) -> bool:
    """Whether the query string carries a token parameter (any case, any value)."""
    if not query_string:
        return False
    try:
        pairs = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    except ValueError:
        return False
    return any(key.strip().lower() in URL_TOKEN_KEYS for key, _ in pairs)


class Authentication:
    def __init__(self, app: Any, tokens: TokenFile, failures: TokenBuckets) -> None:
        self.app, self.tokens, self.failures = app, tokens, failures
        # scrypt takes 16 MiB and a tenth of a second: at most this many at once, however many
        # clients send tokens (the rest wait their turn, costing the server no more memory).
        self.hashing = anyio.CapacityLimiter(SCRYPT_AT_ONCE)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        state["principal"], state["read_withheld"] = None, False
        if url_token(scope.get("query_string", b"")):
            await send_plain(
                send, 400, "tokens are refused in the URL; send them as the header `Authorization: Bearer TOKEN`"
            )
            return
        headers = tuple(scope.get("headers") or ())
        request = ClientRequest("", headers)
        if request.header("authorization") is None:
            await self.app(scope, receive, send)
            return
        client = client_of(scope)
        wait = self.failures.wait(client)
        if wait:
            await self._too_many(send, wait)
            return
        token = request.bearer_token()
        principal = await anyio.to_thread.run_sync(self.tokens.verify, token, limiter=self.hashing) if token else None
        if principal is None:
            wait = self.failures.take(client)
            await send(
                {
                    "type": "http.response.start",
                    "status": 401,
                    "headers": [
                        (b"content-type", b"application/json"),
                        (b"content-length", str(len(_UNAUTHORIZED)).encode()),
                        (b"www-authenticate", _CHALLENGE.encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": _UNAUTHORIZED})
            return
        state["principal"] = principal
        state["read_withheld"] = principal.has("read-withheld")
        await self.app(scope, receive, send)

    async def _too_many(self, send: Any, wait: float) -> None:
        seconds = max(1, math.ceil(wait))
        message = f"too many failed authentications from this client; try again in {seconds} s"
        await send_plain(send, 429, message, {"retry-after": str(seconds)})


_QUERY = re.compile(r"\?([^\s\"]*)")


def redact(text: str) -> str:
    """`text` with every query string that carries a token replaced by `?[redacted]`."""

    def one(match: re.Match[str]) -> str:
        return "?[redacted]" if url_token(match.group(1).encode("latin-1", "replace")) else match.group(0)

    return _QUERY.sub(one, text)


class RedactTokens(logging.Filter):
    """On uvicorn's loggers: a logged URL whose query string carries a token (refused with 400)
    shows `?[redacted]` instead. Headers are never logged, by uvicorn or by us."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        if isinstance(record.msg, str):
            record.msg = redact(record.msg)
        return True


def install_log_redaction() -> None:
    for name in ("uvicorn.access", "uvicorn.error", "uvicorn"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactTokens) for f in logger.filters):
            logger.addFilter(RedactTokens())
