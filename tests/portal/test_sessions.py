"""Signing in and out, the session cookie, CSRF refusal and who may open /me."""

from __future__ import annotations

from tests.portal.conftest import Portal
from tests.stack import OPERATOR

BUYER = {"roles": ["buyer"], "credit_code": "91330106MA2CXY1A0P", "username": "yuntu"}


def test_sign_in_sets_an_httponly_lax_cookie_and_shows_the_account(portal: Portal) -> None:
    portal.stack.member(**BUYER, password="a-good-password")
    answer = portal.sign_in("yuntu", "a-good-password")
    assert answer.status_code == 303 and answer.headers["location"] == "/me"
    cookie = answer.headers["set-cookie"]
    assert cookie.startswith("dataex_session=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie
    page = portal.client.get("/me")
    assert page.status_code == 200
    assert "测试单位" in page.text and "数据需求方" in page.text and "¥0.00" in page.text


def test_wrong_password_shows_the_form_again(portal: Portal) -> None:
    portal.stack.member(**BUYER, password="a-good-password")
    answer = portal.sign_in("yuntu", "not-the-password")
    assert answer.status_code == 400
    assert "用户名或密码不正确" in answer.text
    assert "dataex_session" not in answer.headers.get("set-cookie", "")


def test_sign_out_forgets_the_session(portal: Portal) -> None:
    portal.sign_in(*OPERATOR)
    token = portal.csrf("/")
    answer = portal.client.post("/signout", data={"csrf_token": token},
                                follow_redirects=False)
    assert answer.status_code == 303
    assert portal.client.get("/me", follow_redirects=False).status_code == 303


def test_account_page_needs_sign_in(portal: Portal) -> None:
    answer = portal.client.get("/me", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=/me"


def test_a_tampered_session_cookie_is_anonymous(portal: Portal) -> None:
    portal.sign_in(*OPERATOR)
    value = portal.client.cookies["dataex_session"]
    portal.client.cookies.set("dataex_session", value[:-2] + "00")
    assert portal.client.get("/me", follow_redirects=False).status_code == 303


def test_an_expired_token_sends_to_sign_in(portal: Portal) -> None:
    seal = portal.client.app.state.seal  # type: ignore[attr-defined]
    portal.client.cookies.set("dataex_session", seal.seal("not-a-real-token"))
    answer = portal.client.get("/me", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/signin")


def test_a_post_without_the_csrf_token_is_refused(portal: Portal) -> None:
    portal.stack.member(**BUYER, password="a-good-password")
    answer = portal.client.post("/signin", data={"username": "yuntu",
                                                 "password": "a-good-password"})
    assert answer.status_code == 403
    assert "表单已过期或来源不明" in answer.text
    wrong = portal.client.post("/signin", data={"username": "yuntu", "csrf_token": "x" * 64,
                                                "password": "a-good-password"})
    assert wrong.status_code == 403


def test_the_csrf_token_is_bound_to_the_session(portal: Portal) -> None:
    before = portal.csrf("/signin")
    portal.sign_in(*OPERATOR)
    stale = portal.client.post("/signout", data={"csrf_token": before})
    assert stale.status_code == 403


def test_next_never_leaves_the_site(portal: Portal) -> None:
    html = portal.client.get("/signin", params={"next": "//evil.example/"}).text
    assert 'name="next" value="/me"' in html
