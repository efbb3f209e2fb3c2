"""Request body caps per route class, enforced before anything parses the body.

Most routes take small JSON documents: their body is capped at ``max_json_body_bytes``
(1 MiB by default). A few routes take more (file uploads, ledger batches) and name their
own cap. A ``Content-Length`` over the cap is refused at once; a body sent without one
(chunked) is counted as it arrives. Either way the answer is a 413
``application/problem+json`` and the rest of the body is never read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from services.shared.problems import PROBLEM_JSON, PayloadTooLarge

DEFAULT_JSON_BODY_BYTES = 1 << 20


@dataclass(frozen=True)
class BodyLimits:
    """The cap of every route: ``default`` unless a ``(method, path pattern)`` names its own."""

    default: int = DEFAULT_JSON_BODY_BYTES
    routes: Mapping[tuple[str, str], int] = field(default_factory=dict)

    def cap(self, method: str, path: str) -> tuple[int, bool]:
        """The cap for a request and whether it is a route of its own (streamed to the
        route, counted on the way) rather than a small body read here first."""
        for (route_method, pattern), limit in self.routes.items():
            if route_method == method and re.fullmatch(pattern, path):
                return limit, True
        return self.default, False


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(f"the request body is over this route's limit of {limit} bytes",
                           slug="body-too-large", limit=limit)


async def _answer(send: Send, problem: PayloadTooLarge) -> None:
    body = json.dumps(problem.body()).encode()
    await send({"type": "http.response.start", "status": problem.status,
                "headers": [(b"content-type", PROBLEM_JSON.encode()),
                            (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


class BodyLimitMiddleware:
    """Refuses (413) a request body over its route's cap before the app reads it."""

    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        limit, streamed = self.limits.cap(scope["method"], scope["path"])
        declared = _declared_length(scope)
        if declared is not None and declared > limit:
            await _answer(send, _too_large(limit))
            return
        if streamed:
            await self._counted(scope, receive, send, limit)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            body.extend(message.get("body", b""))
            if len(body) > limit:
                await _answer(send, _too_large(limit))
                return
            more = message.get("more_body", False)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _counted(self, scope: Scope, receive: Receive, send: Send, limit: int) -> None:
        seen = 0
        started = False

        async def counting() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise _too_large(limit)
            return message

        async def watching(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting, watching)
        except PayloadTooLarge as exc:
            if started:
                raise
            await _answer(send, exc)
