"""Refusing, before routing, request lines no route can take: a NUL character (``%00``)
in the path or the query. PostgreSQL cannot store NUL in text, so such a value would
otherwise reach the database and fail there (a 500) instead of being refused (422)."""

from __future__ import annotations

import json
from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from services.shared.problems import PROBLEM_JSON, InvalidInput


def has_nul(scope: Scope) -> bool:
    """Whether the decoded path or query string holds a NUL character."""
    query = scope.get("query_string", b"").replace(b"+", b" ")
    raw_path = scope.get("raw_path") or scope.get("path", "").encode()
    return b"\x00" in unquote_to_bytes(query) or b"\x00" in unquote_to_bytes(raw_path) \
        or "\x00" in scope.get("path", "")


class RefuseNulMiddleware:
    """Answers 422 ``nul-character`` to a request whose path or query holds NUL."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not has_nul(scope):
            await self.app(scope, receive, send)
            return
        problem = InvalidInput("the path or query holds a NUL character (%00), which no "
                               "value may contain", slug="nul-character")
        body = json.dumps(problem.body()).encode()
        await send({"type": "http.response.start", "status": problem.status,
                    "headers": [(b"content-type", PROBLEM_JSON.encode()),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
