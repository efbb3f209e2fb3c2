"""A real HTTP receiver for webhook tests: a server on a loopback port that checks each
delivery's signature, records it, and can be taken down and brought back on the same port."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from services.shared.webhook_signature import InvalidWebhookSignature, verify


def free_port() -> int:
    """A loopback port nobody listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Receiver:
    """Receives deliveries at ``url``; keeps each accepted event once by its id, and
    counts every request (repeats and refusals too)."""

    def __init__(self, secret: str = "") -> None:
        self.port = free_port()
        self.secret = secret
        self.events: dict[str, dict[str, Any]] = {}
        self.requests = 0
        self.refused = 0
        self.answer = 200
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    @property
    def url(self) -> str:
        """Where the webhook should post."""
        return f"http://127.0.0.1:{self.port}/hooks/dataex"

    def up(self) -> Receiver:
        """Start listening."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                code = receiver.receive(dict(self.headers.items()), body)
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        ThreadingHTTPServer.allow_reuse_address = True
        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        """Stop listening (connections are refused until :meth:`up`)."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def receive(self, headers: dict[str, str], body: bytes) -> int:
        """Check and record one delivery; the HTTP status to answer."""
        with self._lock:
            self.requests += 1
            try:
                event_id = verify(self.secret, headers, body)
            except InvalidWebhookSignature:
                self.refused += 1
                return 401
            if self.answer < 300:
                # Deduplicate by event id, as a receiver must.
                self.events.setdefault(event_id, json.loads(body))
            return self.answer

    def types(self) -> list[str]:
        """The types of the events received, in the order first received."""
        return [e["type"] for e in self.events.values()]
