"""An organisation's signing keys (``/me/keys``, its admins): the active and retired keys
with their validity, registering the first public key (a pasted JWK) and rotating it.

Once a key is registered, the organisation's contract acceptances (the provider's
accept, the buyer's pay) and the buyer's confirmation must carry a detached JWS by it
over the statement the exchange names; the order forms then ask for it
(:func:`signing_context`)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, MemberDep, PageForbidden
from services.portal.backends import Caller
from services.portal.i18n import Translator, choose_language
from services.portal.session import Visitor
from services.portal.templating import render

router = APIRouter(prefix="/me/keys")

# The exchange's refusals of an order action that are about the party's signature.
SIGNATURE_PROBLEMS = frozenset({"signature-required", "bad-signature", "no-party-key"})
SignatureField = Annotated[str, Form(max_length=4000)]


def has_active_key(api: Caller) -> bool:
    """Whether the caller's organisation has an active signing key (its actions must
    then be signed)."""
    return any(k["status"] == "active" for k in api.exchange.my_keys()["keys"])


def signing_context(problem: ApiProblem | None, action: str) -> dict[str, Any] | None:
    """What an order form needs after the exchange refused ``action`` for its signature:
    the statement to sign (as the exchange sent it, indented for reading, and on one
    line for ``dataex sign``) and the refusal to show next to the signature field."""
    if problem is None or problem.slug not in SIGNATURE_PROBLEMS:
        return None
    statement = problem.problem.get("statement")
    return {"action": action, "error": problem.detail,
            "statement": json.dumps(statement, ensure_ascii=False, indent=2)
            if statement else None}


def _keys_page(request: Request, api: Caller, *, jwk: str = "",
               errors: dict[str, str] | None = None, notice: str | None = None,
               status_code: int = 200) -> Response:
    keys = api.exchange.my_keys()["keys"]
    active = next((k for k in keys if k["status"] == "active"), None)
    return render(request, "account/keys.html", {
        "keys": keys, "active": active, "jwk": jwk, "errors": errors or {},
        "notice": notice}, status_code=status_code)


def _admin(member: Visitor) -> None:
    if not member.is_admin:
        raise PageForbidden("admin")


@router.get("")
def keys_page(request: Request, member: MemberDep, api: ApiDep) -> Response:
    """The organisation's keys with their validity, how signing works, and the form to
    register or rotate the key."""
    _admin(member)
    t = Translator(choose_language(request))
    done = request.query_params.get("done")
    notice = {"registered": t("keys.registered"), "rotated": t("keys.rotated")}.get(done or "")
    return _keys_page(request, api, notice=notice)


@router.post("")
def register_key(request: Request, member: MemberDep, api: ApiDep,
                 jwk: Annotated[str, Form(max_length=4000)] = "",
                 rotate: Annotated[str | None, Form(max_length=10)] = None) -> Response:
    """Register the pasted public JWK, or rotate to it; the refusal next to the field."""
    _admin(member)
    t = Translator(choose_language(request))
    try:
        parsed = json.loads(jwk) if jwk.strip() else None
    except ValueError:
        parsed = None
    if not isinstance(parsed, dict):
        message = t("keys.jwk_missing") if not jwk.strip() else t("keys.jwk_not_json")
        return _keys_page(request, api, jwk=jwk, errors={"jwk": message}, status_code=422)
    try:
        api.exchange.register_key(parsed, rotate=rotate == "yes")
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return _keys_page(request, api, jwk=jwk, errors={"jwk": problem.detail},
                          status_code=problem.status)
    done = "rotated" if rotate == "yes" else "registered"
    return RedirectResponse(f"/me/keys?done={done}", status_code=303)
