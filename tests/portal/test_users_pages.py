"""Organisation users' pages: an admin's /me/users (list, invite, change role, disable,
enable) and every user's /me/password; members and read-only users are refused the
admin's page, read-only users see no action buttons; CSRF and errors next to fields."""

from __future__ import annotations

import re

import pytest

from services.portal.session import CSRF_FIELD
from tests.portal.conftest import Portal

ADMIN = ("org-admin", "a-good-password")


@pytest.fixture
def admin_portal(portal: Portal) -> Portal:
    """An approved provider's admin, signed in."""
    org = portal.stack.register(roles=["provider"], credit_code="91330100716105852F",
                                username=ADMIN[0], password=ADMIN[1], name="云图数据科技有限公司")
    approved = portal.stack.exchange.post(
        f"/v1/organizations/{org['id']}/approve",
        headers={"Authorization": f"Bearer {portal.stack.operator_token()}"})
    assert approved.status_code == 200
    assert portal.sign_in(*ADMIN).status_code == 303
    return portal


def invite(portal: Portal, username: str, role: str) -> str:
    """Invite through the page; the first password it shows."""
    page = portal.client.post("/me/users", data={
        "username": username, "role": role, CSRF_FIELD: portal.csrf("/me/users")})
    assert page.status_code == 201, page.text
    found = re.search(r'<code id="initial-password">([^<]+)</code>', page.text)
    assert found
    return found.group(1)


def user_id(portal: Portal, username: str) -> str:
    page = portal.client.get("/me/users").text
    row = page[page.index(f'data-username="{username}"'):]
    found = re.search(r'action="/me/users/([^/]+)/', row)
    assert found
    return found.group(1)


def switch_to(portal: Portal, username: str, password: str) -> None:
    portal.client.post("/signout", data={CSRF_FIELD: portal.csrf("/")})
    assert portal.sign_in(username, password).status_code == 303


def test_the_admin_lists_invites_changes_a_role_and_disables(admin_portal: Portal) -> None:
    portal = admin_portal
    me = portal.client.get("/me").text
    assert 'href="/me/users"' in me and 'href="/me/password"' in me
    first = invite(portal, "analyst", "member")
    assert len(first) >= 16
    page = portal.client.get("/me/users").text
    assert "analyst" in page and first not in page  # the first password is shown once
    target = user_id(portal, "analyst")
    changed = portal.client.post(f"/me/users/{target}/role", data={
        "role": "read_only", CSRF_FIELD: portal.csrf("/me/users")}, follow_redirects=False)
    assert changed.status_code == 303
    assert "只读" in portal.client.get("/me/users").text
    disabled = portal.client.post(f"/me/users/{target}/disable", data={
        CSRF_FIELD: portal.csrf("/me/users")}, follow_redirects=False)
    assert disabled.status_code == 303
    page = portal.client.get("/me/users?lang=en").text
    assert "Disabled" in page and f'action="/me/users/{target}/enable"' in page
    assert portal.client.post(f"/me/users/{target}/enable", data={
        CSRF_FIELD: portal.csrf("/me/users")}, follow_redirects=False).status_code == 303


def test_a_bad_invitation_shows_next_to_its_field(admin_portal: Portal) -> None:
    portal = admin_portal
    for username, expected in (("a b", "用户名须为"), (ADMIN[0], "taken")):
        page = portal.client.post("/me/users", data={
            "username": username, "role": "member", CSRF_FIELD: portal.csrf("/me/users")})
        assert page.status_code in (409, 422)
        assert 'id="username-error"' in page.text and expected in page.text
    no_csrf = portal.client.post("/me/users", data={"username": "someone", "role": "member"})
    assert no_csrf.status_code == 403
    assert "someone" not in portal.client.get("/me/users").text


def test_members_and_read_only_users_do_not_manage_users(admin_portal: Portal) -> None:
    portal = admin_portal
    member_password = invite(portal, "plain-member", "member")
    viewer_password = invite(portal, "viewer", "read_only")
    switch_to(portal, "plain-member", member_password)
    assert portal.client.get("/me/users").status_code == 403
    assert 'href="/me/users"' not in portal.client.get("/me").text
    switch_to(portal, "viewer", viewer_password)
    assert portal.client.get("/me/users").status_code == 403
    provider = portal.client.get("/provider").text
    assert '<body class="read-only">' in provider
    password_page = portal.client.get("/me/password").text
    assert "keep-for-read-only" in password_page


def test_a_user_changes_their_password(admin_portal: Portal) -> None:
    portal = admin_portal
    first = invite(portal, "changer", "member")
    switch_to(portal, "changer", first)
    for form, field, text in (
        ({"old_password": "wrong-password", "new_password": "a-new-password",
          "repeat_password": "a-new-password"}, "old_password", "当前密码不正确"),
        ({"old_password": first, "new_password": "short", "repeat_password": "short"},
         "new_password", "至少需要 10 个字符"),
        ({"old_password": first, "new_password": "a-new-password",
          "repeat_password": "another-password"}, "repeat_password", "不一致"),
    ):
        page = portal.client.post("/me/password",
                                  data={**form, CSRF_FIELD: portal.csrf("/me/password")})
        assert page.status_code == 422
        assert f'id="{field}-error"' in page.text and text in page.text
    done = portal.client.post("/me/password", data={
        "old_password": first, "new_password": "a-new-password",
        "repeat_password": "a-new-password", CSRF_FIELD: portal.csrf("/me/password")},
        follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/me/password?done=1"
    assert "密码已修改" in portal.client.get("/me/password?done=1").text
    switch_to(portal, "changer", "a-new-password")


def test_signed_out_visitors_are_sent_to_sign_in(portal: Portal) -> None:
    for path in ("/me/users", "/me/password"):
        response = portal.client.get(path, follow_redirects=False)
        assert response.status_code == 303 and "/signin" in response.headers["location"]
