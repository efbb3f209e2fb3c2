"""Organisation users over HTTP: an admin invites users with roles, changes roles,
disables and enables them; users change their own password; a read-only user is refused
every change at the exchange and the catalog; a disabled user's tokens stop working at
the exchange and the catalog within the stated bound."""

from __future__ import annotations

import time
from typing import Any

import pytest

from services.shared.revocations import TokenRevocations
from tests.exchange.file_trading import wire_grants
from tests.exchange.trading_helpers import Market, bearer, dataset_body
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def invite(market: Market, admin: str, username: str, role: str) -> dict[str, Any]:
    response = market.exchange.post("/v1/users", json={"username": username, "role": role},
                                    headers=bearer(admin))
    assert response.status_code == 201, response.text
    return dict(response.json())


def sign_in(stack: Stack, username: str, password: str) -> str:
    return stack.token(username, password)


def token_refused(market: Market, token: str) -> bool:
    return market.exchange.get("/v1/me", headers=bearer(token)).status_code == 401


def test_an_admin_invites_a_member_who_signs_in_and_acts(market: Market, stack: Stack) -> None:
    admin = market.provider
    invited = invite(market, admin, "analyst", "member")
    assert invited["role"] == "member" and not invited["disabled"]
    assert len(invited["initial_password"]) >= 16
    member = sign_in(stack, "analyst", invited["initial_password"])
    me = market.exchange.get("/v1/me", headers=bearer(member)).json()
    assert me["user"]["role"] == "member" and me["user"]["is_org_admin"] is False
    assert me["organization"]["id"] == market.org(admin)
    created = stack.catalog.post("/v1/datasets", json=dataset_body(), headers=bearer(member))
    assert created.status_code == 201, created.text
    listed = market.exchange.get("/v1/users", headers=bearer(admin))
    assert [u["username"] for u in listed.json()] == ["analyst", "provider"]
    assert "initial_password" not in listed.json()[0]
    events = market.events("user.invited")
    assert events[-1]["payload"] == {"user_id": invited["id"], "org_id": market.org(admin),
                                     "role": "member"}
    assert "analyst" not in str(events[-1])


def test_only_an_admin_manages_users(market: Market, stack: Stack) -> None:
    admin = market.provider
    invited = invite(market, admin, "member-1", "member")
    member = sign_in(stack, "member-1", invited["initial_password"])
    for method, path, body in (("GET", "/v1/users", None),
                               ("POST", "/v1/users", {"username": "member-2", "role": "admin"})):
        response = market.exchange.request(method, path, json=body, headers=bearer(member))
        assert response.status_code == 403, response.text
        assert response.json()["type"].endswith(":org-admin-required")
    assert market.exchange.get("/v1/users").status_code == 401
    api_key = market.exchange.post("/v1/api-keys", json={"name": "robot"}, headers=bearer(admin))
    key_token = market.exchange.post("/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": api_key.json()["client_id"],
        "client_secret": api_key.json()["client_secret"]}).json()["access_token"]
    assert market.exchange.get("/v1/users", headers=bearer(key_token)).status_code == 403


def test_an_admin_cannot_reach_another_organisations_users(market: Market) -> None:
    theirs = invite(market, market.buyer, "buyer-analyst", "member")
    for method, path, body in (("PATCH", f"/v1/users/{theirs['id']}", {"role": "admin"}),
                               ("POST", f"/v1/users/{theirs['id']}/disable", None),
                               ("POST", f"/v1/users/{theirs['id']}/enable", None)):
        response = market.exchange.request(method, path, json=body,
                                           headers=bearer(market.provider))
        assert response.status_code == 404, response.text
    assert [u["username"] for u in market.exchange.get(
        "/v1/users", headers=bearer(market.provider)).json()] == ["provider"]


def test_bad_invitations_are_refused_and_record_nothing(market: Market) -> None:
    admin = market.provider
    before = len(market.events("user."))
    for body, status, slug in (
        ({"username": "someone", "role": "owner"}, 422, "validation-failed"),
        ({"username": "a b", "role": "member"}, 422, "validation-failed"),
        ({"username": "provider", "role": "member"}, 409, "duplicate-username"),
    ):
        response = market.exchange.post("/v1/users", json=body, headers=bearer(admin))
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["type"].endswith(":" + slug)
    me = market.exchange.get("/v1/me", headers=bearer(admin)).json()["user"]["id"]
    own = market.exchange.post(f"/v1/users/{me}/disable", headers=bearer(admin))
    assert own.status_code == 409 and own.json()["type"].endswith(":self-management")
    assert len(market.events("user.")) == before


def test_a_read_only_user_sees_but_cannot_act(market: Market, stack: Stack) -> None:
    admin = market.provider
    wire_grants(stack)
    viewer_invite = invite(market, admin, "viewer", "read_only")
    viewer = sign_in(stack, "viewer", viewer_invite["initial_password"])
    assert market.exchange.get("/v1/me", headers=bearer(viewer)).status_code == 200
    assert market.exchange.get("/v1/offers", headers=bearer(viewer)).status_code == 200
    assert stack.catalog.get("/v1/datasets?mine=true", headers=bearer(viewer)).status_code == 200
    refused = [
        market.exchange.post("/v1/api-keys", json={"name": "k"}, headers=bearer(viewer)),
        market.exchange.post("/v1/assets", json={"name": "x", "dataset_ids": ["d"],
                                                 "rights": ["processing"]},
                             headers=bearer(viewer)),
        stack.catalog.post("/v1/datasets", json=dataset_body(), headers=bearer(viewer)),
    ]
    for response in refused:
        assert response.status_code == 403, response.text
        assert response.json()["type"].endswith(":read-only-user")
        assert "read-only" in response.json()["detail"]
    changed = market.exchange.post("/v1/me/password", headers=bearer(viewer), json={
        "old_password": viewer_invite["initial_password"], "new_password": "a-fresh-passphrase"})
    assert changed.status_code == 204, changed.text
    promoted = market.exchange.patch(f"/v1/users/{viewer_invite['id']}",
                                     json={"role": "member"}, headers=bearer(admin))
    assert promoted.status_code == 200 and promoted.json()["role"] == "member"
    assert token_refused(market, viewer)  # it carried the old role
    member = sign_in(stack, "viewer", "a-fresh-passphrase")
    created = stack.catalog.post("/v1/datasets", json=dataset_body(), headers=bearer(member))
    assert created.status_code == 201, created.text
    assert market.events("user.role_changed")[-1]["payload"]["role"] == "member"


def test_users_change_their_own_password(market: Market, stack: Stack) -> None:
    admin = market.provider
    invited = invite(market, admin, "changer", "member")
    token = sign_in(stack, "changer", invited["initial_password"])
    before = len(market.events("user."))
    for body, slug in (
        ({"old_password": "not-it-at-all", "new_password": "a-new-password"}, "wrong-password"),
        ({"old_password": invited["initial_password"], "new_password": "short"},
         "password-too-short"),
        ({"old_password": invited["initial_password"],
          "new_password": invited["initial_password"]}, "password-unchanged"),
    ):
        response = market.exchange.post("/v1/me/password", json=body, headers=bearer(token))
        assert response.status_code == 422, response.text
        assert response.json()["type"].endswith(":" + slug)
    assert len(market.events("user.")) == before
    response = market.exchange.post("/v1/me/password", headers=bearer(token), json={
        "old_password": invited["initial_password"], "new_password": "a-new-password"})
    assert response.status_code == 204, response.text
    refused = market.exchange.post("/v1/auth/token", data={
        "grant_type": "password", "username": "changer",
        "password": invited["initial_password"]})
    assert refused.status_code == 400  # RFC 6749: invalid_grant
    sign_in(stack, "changer", "a-new-password")
    event = market.events("user.password_changed")[-1]
    assert event["payload"] == {"user_id": invited["id"], "org_id": market.org(admin)}
    assert "a-new-password" not in str(event) and "changer" not in str(event)
    assert market.exchange.post("/v1/me/password", json={"old_password": "x"},
                                headers=bearer(token)).status_code == 422
    assert market.exchange.post("/v1/me/password", json={
        "old_password": "a", "new_password": "b"}).status_code == 401


def test_a_disabled_users_tokens_stop_working_within_the_bound(
    market: Market, stack: Stack
) -> None:
    admin = market.provider
    wire_grants(stack)
    catalog_app: Any = stack.catalog.app
    revocations: TokenRevocations = catalog_app.state.revocations
    revocations.max_age = 1.0  # the catalog's bound in this test (10 s by default)
    invited = invite(market, admin, "leaver", "member")
    token = sign_in(stack, "leaver", invited["initial_password"])
    assert stack.catalog.get("/v1/whoami", headers=bearer(token)).status_code == 200
    disabled = market.exchange.post(f"/v1/users/{invited['id']}/disable",
                                    headers=bearer(admin))
    assert disabled.status_code == 200 and disabled.json()["disabled"] is True
    refused = market.exchange.get("/v1/me", headers=bearer(token))
    assert refused.status_code == 401  # the exchange refuses at once (this process)
    assert refused.json()["type"].endswith(":token-revoked")
    deadline = time.monotonic() + revocations.max_age + 0.5
    while stack.catalog.get("/v1/whoami", headers=bearer(token)).status_code != 401:
        assert time.monotonic() < deadline, "the catalog still accepts the token"
        time.sleep(0.1)
    signin = market.exchange.post("/v1/auth/token", data={
        "grant_type": "password", "username": "leaver",
        "password": invited["initial_password"]})
    assert signin.status_code == 400 and signin.json()["type"].endswith(":user-disabled")
    listed = {u["username"]: u for u in market.exchange.get(
        "/v1/users", headers=bearer(admin)).json()}
    assert listed["leaver"]["disabled"] is True
    enabled = market.exchange.post(f"/v1/users/{invited['id']}/enable", headers=bearer(admin))
    assert enabled.status_code == 200 and enabled.json()["disabled"] is False
    assert token_refused(market, token)  # tokens from before the disabling stay revoked
    fresh = sign_in(stack, "leaver", invited["initial_password"])
    assert market.exchange.get("/v1/me", headers=bearer(fresh)).status_code == 200
    assert [e["type"] for e in market.events("user.")][-2:] == ["user.disabled", "user.enabled"]
    assert market.events("user.disabled")[-1]["payload"]["token_version"] == 1


def test_token_revocations_are_for_services_only(market: Market) -> None:
    assert market.exchange.get("/v1/token-revocations",
                               headers=bearer(market.provider)).status_code == 403
    answer = market.exchange.get("/v1/token-revocations",
                                 headers=bearer(market.service_token()))
    assert answer.status_code == 200 and answer.json()["items"] == []
