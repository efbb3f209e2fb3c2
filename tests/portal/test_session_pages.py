"""Portal pages of issue 18, item 4: sign-out revokes the session's tokens, a session
whose access token expired is renewed with its refresh token, the second factor at
sign-in and on /me/mfa, and the operator's suspend and reinstate page."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pyotp

from services.portal.session import CSRF_FIELD
from tests.portal.conftest import Portal
from tests.stack import OPERATOR

BUYER = {"roles": ["buyer"], "credit_code": "91330106MA2CXY1A0P", "username": "yuntu"}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def session_token(portal: Portal) -> str:
    seal = portal.client.app.state.seal  # type: ignore[attr-defined]
    token: str = seal.unseal(portal.client.cookies["dataex_session"])
    return token


def test_sign_out_revokes_the_tokens_at_the_exchange(portal: Portal) -> None:
    portal.stack.member(**BUYER, password="a-good-password")
    portal.sign_in("yuntu", "a-good-password")
    token = session_token(portal)
    assert "dataex_refresh" in portal.client.cookies
    assert portal.stack.exchange.get("/v1/me", headers=bearer(token)).status_code == 200
    portal.client.post("/signout", data={CSRF_FIELD: portal.csrf("/")}, follow_redirects=False)
    assert portal.stack.exchange.get("/v1/me", headers=bearer(token)).status_code == 401
    assert portal.client.get("/me", follow_redirects=False).status_code == 303


def expired_lookalike() -> str:
    payload = base64.urlsafe_b64encode(json.dumps({"exp": int(time.time()) - 5}).encode())
    return "e30." + payload.decode().rstrip("=") + ".sig"


def test_an_expired_access_token_is_renewed_with_the_refresh_token(portal: Portal) -> None:
    portal.stack.member(**BUYER, password="a-good-password")
    portal.sign_in("yuntu", "a-good-password")
    old_refresh = portal.client.cookies["dataex_refresh"]
    seal = portal.client.app.state.seal  # type: ignore[attr-defined]
    portal.client.cookies.set("dataex_session", seal.seal(expired_lookalike()))
    page = portal.client.get("/me", follow_redirects=False)
    assert page.status_code == 200 and "yuntu" in page.text
    assert portal.client.cookies["dataex_refresh"] != old_refresh
    assert portal.client.get("/me", follow_redirects=False).status_code == 200


def test_an_operator_enrols_on_first_sign_in_then_signs_in_with_a_code(
        portal: Portal) -> None:
    portal.stack.exchange.app.state.settings.mfa_required_roles = "operator"  # type: ignore[attr-defined]
    first = portal.sign_in(*OPERATOR)
    assert first.status_code == 303 and first.headers["location"] == "/me/mfa"
    page = portal.client.get("/me/mfa")
    assert page.status_code == 200 and "必须启用两步验证" in page.text
    started = portal.client.post("/me/mfa/start", data={CSRF_FIELD: portal.csrf("/me/mfa")})
    assert started.status_code == 200 and "otpauth://totp/" in started.text
    secret = started.text.split('id="totp-secret">')[1].split("<")[0]
    wrong = portal.client.post("/me/mfa/confirm", data={
        CSRF_FIELD: portal.csrf("/me/mfa"), "code": "000000" if pyotp.TOTP(secret).now()
        != "000000" else "111111", "secret": secret, "otpauth_uri": "otpauth://x"})
    assert wrong.status_code == 422 and 'id="code-error"' in wrong.text
    confirmed = portal.client.post("/me/mfa/confirm", data={
        CSRF_FIELD: portal.csrf("/me/mfa"), "code": pyotp.TOTP(secret).now()})
    assert confirmed.status_code == 200 and 'id="recovery-codes"' in confirmed.text
    without_code = portal.sign_in(*OPERATOR)
    assert without_code.status_code == 400 and 'id="totp_code-error"' in without_code.text
    signed = portal.client.post("/signin", data={
        "username": OPERATOR[0], "password": OPERATOR[1], "next": "/me/mfa",
        "totp_code": pyotp.TOTP(secret).at(time.time() + 30), CSRF_FIELD: portal.csrf()},
        follow_redirects=False)
    assert signed.status_code == 303
    assert "两步验证已启用" in portal.client.get("/me/mfa").text


def test_the_operator_suspends_and_reinstates_an_organisation(portal: Portal) -> None:
    portal.stack.member(**BUYER, password="a-good-password")
    operator = portal.stack.operator_token()
    orgs: list[dict[str, Any]] = portal.stack.exchange.get(
        "/v1/organizations?status=active", headers=bearer(operator)).json()
    buyer = next(o for o in orgs if o["credit_code"] == BUYER["credit_code"])
    portal.sign_in(*OPERATOR)
    listing = portal.client.get("/operator/organizations")
    assert f"/operator/organizations/{buyer['id']}/standing" in listing.text
    url = f"/operator/organizations/{buyer['id']}/standing"
    empty = portal.client.post(url, data={CSRF_FIELD: portal.csrf(url), "action": "suspend",
                                          "reason": " "})
    assert empty.status_code == 422 and 'id="reason-error"' in empty.text
    done = portal.client.post(url, data={CSRF_FIELD: portal.csrf(url), "action": "suspend",
                                         "reason": "涉嫌违规"})
    assert done.status_code == 200 and "单位已暂停" in done.text and "已暂停" in done.text
    again = portal.client.post(url, data={CSRF_FIELD: portal.csrf(url), "action": "reinstate",
                                          "reason": "整改完成"})
    assert again.status_code == 200 and "单位已恢复" in again.text
    assert portal.client.get(f"/operator/organizations/{buyer['id']}/standing?lang=en"
                             ).status_code == 200


def test_the_standing_page_is_the_operators(portal: Portal) -> None:
    portal.stack.member(**BUYER, password="a-good-password")
    portal.sign_in("yuntu", "a-good-password")
    assert portal.client.get("/operator/organizations/org_x/standing").status_code == 403
