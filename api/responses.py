"""Answers written by the middlewares themselves, before or instead of the app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


async def send_plain(send: Any, status: int, message: str, headers: Mapping[str, str] | None = None) -> None:
    """A complete text/plain answer: `message` and a newline."""
    body = (message + "\n").encode("utf-8")
    raw = [(b"content-type", b"text/plain; charset=utf-8"), (b"content-length", str(len(body)).encode())]
    raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})
