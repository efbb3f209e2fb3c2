"""``/me/mfa``: a person's second factor. Operators and regulators enrol here on first
sign-in (with the enrolment token the exchange gave instead of a session), others when
they choose: start (a secret and its otpauth:// link for the authenticator app),
confirm with a first code, then the recovery codes shown once."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from services.clients import ApiProblem
from services.portal.access import SignInRequired, VisitorDep
from services.portal.backends import Backends, Caller
from services.portal.i18n import Translator, choose_language
from services.portal.session import ENROL_COOKIE, SessionSeal, enrolment_token
from services.portal.templating import render

router = APIRouter(prefix="/me")


def _caller(request: Request, visitor: VisitorDep) -> tuple[Caller, bool]:
    """The APIs as the signed-in member, else as the holder of an enrolment token (and
    whether it is the latter)."""
    backends: Backends = request.app.state.backends
    if visitor.is_member:
        return backends.for_caller(visitor.token), False
    token = enrolment_token(request)
    if token is None:
        raise SignInRequired
    return backends.for_caller(token), True


def _page(request: Request, api: Caller, enrolling: bool, *, enrolment: dict[str, str] | None
          = None, codes: list[str] | None = None, error: str | None = None,
          status_code: int = 200) -> Response:
    return render(request, "account/mfa.html", {
        "status": api.exchange.mfa_status(), "enrolling": enrolling,
        "enrolment": enrolment, "codes": codes, "error": error}, status_code=status_code)


@router.get("/mfa")
def mfa(request: Request, visitor: VisitorDep) -> Response:
    """Whether the person has a second factor, and the button that starts enrolment."""
    api, enrolling = _caller(request, visitor)
    return _page(request, api, enrolling)


@router.post("/mfa/start")
def start(request: Request, visitor: VisitorDep) -> Response:
    """A new secret, shown with its otpauth:// link and the form for the first code."""
    api, enrolling = _caller(request, visitor)
    return _page(request, api, enrolling, enrolment=api.exchange.start_totp())


@router.post("/mfa/confirm")
def confirm(request: Request, visitor: VisitorDep,
            code: Annotated[str, Form(max_length=16)] = "",
            secret: Annotated[str, Form(max_length=64)] = "",
            otpauth_uri: Annotated[str, Form(max_length=400)] = "") -> Response:
    """Confirm with a first code; the recovery codes are shown this once."""
    api, enrolling = _caller(request, visitor)
    t = Translator(choose_language(request))
    try:
        codes = api.exchange.confirm_totp(code.strip())
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        shown = {"secret": secret, "otpauth_uri": otpauth_uri} if secret else None
        return _page(request, api, enrolling, enrolment=shown, error=t("mfa.code_wrong"),
                     status_code=422)
    response = _page(request, api, enrolling, codes=codes)
    if enrolling:
        seal: SessionSeal = request.app.state.seal
        response.delete_cookie(ENROL_COOKIE, httponly=True, samesite="lax",
                               secure=seal.secure, path="/")
    return response
