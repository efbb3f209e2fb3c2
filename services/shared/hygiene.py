"""Response hardening every app shares: security headers, no server banner, CORS only for
an allow-list, a closed connection after a 500, and API docs served from local assets.

The API answers JSON, so its Content-Security-Policy allows nothing to load; ``/docs``
and ``/redoc`` get a policy that allows only this origin's own scripts and styles, which
come from the pinned ``fastapi-offline`` package (Swagger UI 5, ReDoc 2) rather than a CDN.
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
DOCS_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; worker-src blob:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)
HARDENING_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": API_CSP,
}
"""Headers on every answer, unless the route set its own (the portal's pages do)."""
CLOSE_AFTER_ERROR = {"Connection": "close"}
"""On a 500: the server closes the connection, and says so, so that a client does not
reuse a keep-alive connection the server is about to reset."""

DOCS_PATH = "/docs"
REDOC_PATH = "/redoc"
DOCS_ASSETS = "/docs-assets"
DOCS_FILES = Path(fastapi_offline.__file__).parent / "static"


def _encoded(headers: dict[str, str]) -> list[tuple[bytes, bytes]]:
    return [(name.lower().encode("latin-1"), value.encode("latin-1"))
            for name, value in headers.items()]


class HardeningMiddleware:
    """Adds :data:`HARDENING_HEADERS` (the docs policy on the docs pages), drops any
    ``server`` header, and marks 500 answers ``Connection: close``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        docs = str(scope.get("path", "")).startswith((DOCS_PATH, REDOC_PATH, DOCS_ASSETS))
        wanted = HARDENING_HEADERS | ({"Content-Security-Policy": DOCS_CSP} if docs else {})

        async def send_hardened(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [(n, v) for n, v in message.get("headers", []) if n.lower() != b"server"]
                present = {n.lower() for n, _ in headers}
                extra = dict(wanted)
                if message["status"] == 500:
                    extra |= CLOSE_AFTER_ERROR
                headers += [(n, v) for n, v in _encoded(extra) if n not in present]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_hardened)


def allowed_origins(setting: str) -> list[str]:
    """The origins of a comma-separated ``cors_allow_origins`` setting."""
    return [origin.strip() for origin in setting.split(",") if origin.strip()]


def install_hardening(app: FastAPI, *, cors_origins: Iterable[str] = ()) -> None:
    """Add the hardening middleware; CORS only when ``cors_origins`` names some (with
    no allow-list, browsers refuse cross-origin reads as they do by default)."""
    origins = list(cors_origins)
    if origins:
        app.add_middleware(CORSMiddleware, allow_origins=origins, allow_credentials=False,
                           allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
                           allow_headers=["Authorization", "Content-Type", "Idempotency-Key",
                                          "X-Request-ID"],
                           expose_headers=["X-Request-ID", "Retry-After", "Location"])
    app.add_middleware(HardeningMiddleware)


_DOCS_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="icon" href="{assets}/favicon.png">
<link rel="stylesheet" href="{assets}/swagger-ui.css"></head>
<body><div id="swagger-ui" data-openapi-url="{openapi}"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script src="{docs}/init.js"></script></body></html>
"""
_DOCS_INIT = """\
const root = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({url: root.dataset.openapiUrl, dom_id: "#swagger-ui",
  validatorUrl: null, deepLinking: true, presets: [SwaggerUIBundle.presets.apis]});
"""
_REDOC_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="icon" href="{assets}/favicon.png"></head>
<body><redoc spec-url="{openapi}"></redoc>
<script src="{assets}/redoc.standalone.js"></script></body></html>
"""


def install_local_docs(app: FastAPI) -> None:
    """Serve Swagger UI at ``/docs`` and ReDoc at ``/redoc`` from the pinned
    ``fastapi-offline`` package's files, with no inline script, so that the docs policy
    can forbid every other source. The app must be created with ``docs_url=None,
    redoc_url=None``."""
    app.mount(DOCS_ASSETS, StaticFiles(directory=DOCS_FILES), name="docs-assets")
    fields = {"title": html.escape(app.title), "assets": DOCS_ASSETS, "docs": DOCS_PATH,
              "openapi": app.openapi_url or "/openapi.json"}
    page, redoc_page = _DOCS_PAGE.format(**fields), _REDOC_PAGE.format(**fields)

    @app.get(DOCS_PATH, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(page)

    @app.get(f"{DOCS_PATH}/init.js", include_in_schema=False)
    def docs_init() -> Response:
        return Response(_DOCS_INIT, media_type="text/javascript")

    @app.get(REDOC_PATH, include_in_schema=False)
    def redoc() -> HTMLResponse:
        return HTMLResponse(redoc_page)
