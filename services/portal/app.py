"""The portal's app factory: pages, static files, security headers, health."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, Request, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from services.portal.backends import Backends
from services.portal.config import PortalSettings
from services.portal.errors import install_error_pages
from services.portal.i18n import LANG_COOKIE, LANGUAGES
from services.portal.pages import include_pages
from services.portal.renewal import Renewals, keep_renewed, use_renewed
from services.portal.session import CSRF_COOKIE, SessionSeal, require_csrf
from services.portal.templating import template_environment
from services.shared.hygiene import install_hardening
from services.shared.logs import RequestIdMiddleware

STATIC = Path(__file__).parent / "static"

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "object-src 'none'",
))
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
YEAR = 365 * 24 * 3600
# Paths that never renew a session: static files, and signing in or out (which set the
# session cookies themselves).
NOT_RENEWED = ("/static/", "/signin", "/signout")


def create_app(settings: PortalSettings | None = None,
               backends: Backends | None = None) -> FastAPI:
    """Build the portal from settings (read from the environment by default); tests hand
    in ``backends`` wired to in-process services."""
    settings = settings or PortalSettings()
    backends = backends or Backends.from_settings(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        backends.close()

    app = FastAPI(title="dataex portal", version="0.1.0", lifespan=lifespan,
                  docs_url=None, redoc_url=None, openapi_url=None,
                  dependencies=[Depends(require_csrf)])
    app.state.settings = settings
    app.state.backends = backends
    app.state.seal = SessionSeal(settings)
    app.state.templates = template_environment()

    renewals = Renewals(backends)

    @app.middleware("http")
    async def browser_state(request: Request,
                            call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        fresh = None
        if not request.url.path.startswith(NOT_RENEWED):
            fresh = await run_in_threadpool(renewals.renewed, request)
            if fresh is not None:
                use_renewed(request, app.state.seal, fresh)
        response = await call_next(request)
        if fresh is not None:
            keep_renewed(response, app.state.seal, fresh)
        response.headers.update(SECURITY_HEADERS)
        lang = request.query_params.get("lang")
        if lang in LANGUAGES and request.cookies.get(LANG_COOKIE) != lang:
            response.set_cookie(LANG_COOKIE, lang, max_age=YEAR, samesite="lax",
                                secure=settings.cookie_secure, path="/")
        seed = getattr(request.state, "new_csrf_seed", None)
        if seed is not None:
            response.set_cookie(CSRF_COOKIE, seed, httponly=True, samesite="lax",
                                secure=settings.cookie_secure, path="/")
        return response

    app.add_middleware(RequestIdMiddleware)
    install_hardening(app)
    install_error_pages(app)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "service": "portal"}

    @app.get("/readyz", include_in_schema=False)
    def readyz() -> Response:
        # The portal has no state of its own: ready while it runs. The APIs' own
        # readiness is theirs to report.
        return Response('{"status": "ready", "service": "portal"}',
                        media_type="application/json")

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    include_pages(app)
    return app
