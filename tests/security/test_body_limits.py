"""Finding: JSON bodies had no size limit (a 200 MB anonymous body to
``POST /v1/organizations`` was buffered and parsed). Every body now has its route's cap,
answered 413 before it is read."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anyio
from fastapi.testclient import TestClient
from starlette.types import Message

from tests.stack import Stack

MIB = 1 << 20
CHUNK = 64 * 1024


class Body:
    """A lazily generated body that counts what the server read of it."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.sent = 0

    def __iter__(self) -> Iterator[bytes]:
        yield b'{"name": "'
        while self.sent < self.total:
            self.sent += CHUNK
            yield b"x" * CHUNK


def post(client: TestClient, path: str, body: Body, **headers: str) -> tuple[int, dict[str, Any]]:
    response = client.post(path, content=body,
                           headers={"Content-Type": "application/json", **headers})
    return response.status_code, response.json()


def test_200mb_anonymous_json_body_declared_is_413_unread(stack: Stack) -> None:
    body = Body(200 * MIB)
    status, problem = post(stack.exchange, "/v1/organizations", body,
                           **{"Content-Length": str(200 * MIB)})
    assert status == 413
    assert problem["type"] == "urn:dataex:problem:body-too-large"
    assert problem["limit"] == MIB
    assert body.sent <= MIB


def asgi_post(app: Any, path: str, body: Body) -> tuple[int, dict[str, Any]]:
    """POST ``body`` chunked (no Content-Length) straight to the ASGI app, as a server
    would hand it over, so that what the app read of it is what ``body.sent`` says."""
    chunks = iter(body)
    sent: list[Message] = []

    async def receive() -> Message:
        chunk = next(chunks, b"")
        return {"type": "http.request", "body": chunk, "more_body": bool(chunk)}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
             "method": "POST", "scheme": "http", "path": path, "raw_path": path.encode(),
             "query_string": b"", "root_path": "", "client": ("10.0.0.9", 5000),
             "server": ("test", 80),
             "headers": [(b"content-type", b"application/json"),
                         (b"transfer-encoding", b"chunked")]}
    anyio.run(app, scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    payload = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return int(start["status"]), json.loads(payload)


def test_200mb_anonymous_json_body_chunked_is_413_after_the_cap(stack: Stack) -> None:
    body = Body(200 * MIB)
    status, problem = asgi_post(stack.exchange.app, "/v1/organizations", body)
    assert status == 413
    assert problem["type"] == "urn:dataex:problem:body-too-large"
    assert body.sent <= MIB + 2 * CHUNK


def test_every_service_caps_json_bodies(stack: Stack) -> None:
    for client, path in ((stack.catalog, "/v1/datasets"), (stack.audit, "/v1/checkpoints")):
        body = Body(3 * MIB)
        status, _ = asgi_post(client.app, path, body)
        assert status == 413, path
        assert body.sent <= MIB + 2 * CHUNK


def test_a_small_body_still_reaches_the_route(stack: Stack) -> None:
    response = stack.exchange.post("/v1/organizations", json={"name": "x"})
    assert response.status_code == 422


def test_uploads_keep_their_own_larger_cap(stack: Stack) -> None:
    # Over the JSON cap but under max_upload_bytes: the route reads it (401: no token).
    body = Body(2 * MIB)
    response = stack.catalog.post("/v1/datasets/ds_x/files", content=body,
                                  headers={"Content-Type": "multipart/form-data; boundary=b"})
    assert response.status_code == 401
