"""Error pages: every failure becomes a readable page in the visitor's language.

An API's problem document shows its ``detail``; a 401 from any API (an expired or
revoked session) sends the browser to sign in; anything unexpected shows a generic
message and is logged, never a stack trace.
"""

from __future__ import annotations

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from services.clients import ApiProblem
from services.portal.access import PageForbidden, SignInRequired
from services.portal.i18n import Translator, choose_language
from services.portal.session import CsrfRefused, SessionSeal
from services.portal.templating import render

log = logging.getLogger("dataex.portal")


def sign_in_redirect(request: Request) -> Response:
    """To the sign-in page, coming back here afterwards; a stale session is dropped."""
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    back = target if request.method == "GET" else "/"
    response = RedirectResponse(f"/signin?next={quote(back)}", status_code=303)
    seal: SessionSeal = request.app.state.seal
    seal.end(response)
    return response


def error_page(request: Request, status: int, message: str, *,
               title: str | None = None) -> Response:
    """The error page with ``message``."""
    return render(request, "error.html", {"status": status, "message": message,
                                          "title": title}, status_code=status)


def install_error_pages(app: FastAPI) -> None:
    """Register the handlers that turn exceptions into pages."""

    def t(request: Request) -> Translator:
        return Translator(choose_language(request))

    @app.exception_handler(SignInRequired)
    async def _sign_in(request: Request, _exc: SignInRequired) -> Response:
        return sign_in_redirect(request)

    @app.exception_handler(PageForbidden)
    async def _forbidden(request: Request, _exc: PageForbidden) -> Response:
        return error_page(request, 403, t(request)("error.forbidden"))

    @app.exception_handler(CsrfRefused)
    async def _csrf(request: Request, _exc: CsrfRefused) -> Response:
        return error_page(request, 403, t(request)("error.csrf"))

    @app.exception_handler(ApiProblem)
    async def _api_problem(request: Request, exc: ApiProblem) -> Response:
        if exc.status == 401:
            return sign_in_redirect(request)
        if not exc.answered:
            log.warning("API unreachable: %s", exc.detail)
            return error_page(request, 503, t(request)("error.unreachable"))
        status = exc.status if 400 <= exc.status < 600 else 502
        return error_page(request, status, exc.detail or exc.title, title=exc.title)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> Response:
        # Forms the portal serves always validate; this is a hand-made or truncated request.
        first = exc.errors()[0] if exc.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()) if p not in ("body", "query"))
        return error_page(request, 400, f"{where}: {first.get('msg', 'invalid request')}")

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        message = t(request)("error.not_found") if exc.status_code == 404 else str(exc.detail)
        return error_page(request, exc.status_code, message)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> Response:
        log.exception("unhandled error on %s %s", request.method, request.url.path,
                      exc_info=exc)
        return error_page(request, 500, t(request)("error.internal"))
