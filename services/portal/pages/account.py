"""Signing in and out, and the member's account page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, MemberDep
from services.portal.i18n import Translator, choose_language
from services.portal.session import SessionSeal
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
           next: Annotated[str, Form()] = "/me") -> Response:
    """Exchange the user's name and password for a token kept in the session cookie."""
    try:
        token = api.exchange.password_token(
            username, password,
            client_address=request.client.host if request.client else None).access_token
    except ApiProblem as problem:
        if problem.status not in (400, 401, 403, 429):
            raise
        t = Translator(choose_language(request))
        error = t("signin.throttled") if problem.status == 429 else t("signin.failed")
        return render(request, "signin.html",
                      {"next": safe_next(next), "error": error,
                       "username": username}, status_code=400)
    response = RedirectResponse(safe_next(next), status_code=303)
    seal: SessionSeal = request.app.state.seal
    seal.start(response, token)
    return response


@router.post("/signout")
def signout(request: Request) -> Response:
    """Forget the session."""
    response = RedirectResponse("/", status_code=303)
    seal: SessionSeal = request.app.state.seal
    seal.end(response)
    return response


@router.get("/me")
def account_page(request: Request, member: MemberDep, api: ApiDep) -> Response:
    """The member's organisation, roles and balance."""
    account = api.exchange.account()
    return render(request, "me.html", {"member": member, "account": account})
