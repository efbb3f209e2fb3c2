"""Signing in and out, and the member's account page."""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem, ServiceUnreachable
from services.portal.access import ApiDep, MemberDep
from services.portal.backends import Backends
from services.portal.i18n import Translator, choose_language
from services.portal.session import SessionSeal, refresh_token, session_token
from services.portal.templating import render

router = APIRouter()


def safe_next(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never another host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/me"
    return target


@router.get("/signin")
def signin_form(request: Request, next: str | None = None) -> Response:
    """The sign-in form."""
    return render(request, "signin.html", {"next": safe_next(next), "error": None})


@router.post("/signin")
def signin(request: Request, api: ApiDep, username: Annotated[str, Form(max_length=100)],
           password: Annotated[str, Form(max_length=200)],
           totp_code: Annotated[str, Form(max_length=32)] = "",
           next: Annotated[str, Form()] = "/me") -> Response:
    """Exchange the user's name, password (and authenticator code, for operators and
    regulators) for tokens kept in the session cookies; a user who must enrol a second
    factor first is sent to ``/me/mfa``."""
    seal: SessionSeal = request.app.state.seal
    try:
        issued = api.exchange.password_token(
            username, password, totp_code.strip() or None,
            client_address=request.client.host if request.client else None)
    except ApiProblem as problem:
        if problem.status not in (400, 401, 403, 429):
            raise
        if problem.slug == "mfa-enrolment-required":
            enrolling = RedirectResponse("/me/mfa", status_code=303)
            seal.start_enrolment(enrolling, str(problem.problem["mfa_enrolment_token"]))
            return enrolling
        t = Translator(choose_language(request))
        code_error = {"mfa-required": t("mfa.code_required"),
                      "mfa-invalid-code": t("mfa.code_wrong")}.get(problem.slug)
        error = t("signin.throttled") if problem.status == 429 else t("signin.failed")
        return render(request, "signin.html",
                      {"next": safe_next(next), "error": None if code_error else error,
                       "code_error": code_error, "ask_code": bool(code_error),
                       "username": username}, status_code=400)
    response = RedirectResponse(safe_next(next), status_code=303)
    seal.start(response, issued.access_token, issued.refresh_token)
    return response


@router.post("/signout")
def signout(request: Request) -> Response:
    """Revoke the session's tokens at the exchange (RFC 7009) and forget them."""
    backends: Backends = request.app.state.backends
    exchange = backends.for_caller(None).exchange
    for token, hint in ((refresh_token(request), "refresh_token"),
                        (session_token(request), "access_token")):
        if token:
            with suppress(ApiProblem, ServiceUnreachable):
                exchange.revoke_token(token, hint=hint)
    response = RedirectResponse("/", status_code=303)
    seal: SessionSeal = request.app.state.seal
    seal.end(response)
    return response


@router.get("/me")
def account_page(request: Request, member: MemberDep, api: ApiDep) -> Response:
    """The member's organisation, roles and balance."""
    account = api.exchange.account()
    return render(request, "me.html", {"member": member, "account": account})
