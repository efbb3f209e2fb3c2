"""Issue 18, item 4 (token lifecycle): short access tokens, refresh tokens that rotate,
RFC 7009 revocation, sign-out, and revocation reaching every service within its bound.

Finding covered: "No revocation: a token lives its full hour after its API key is
deleted; there is no sign-out, token revocation, or organisation suspension".
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from services.exchange.config import ExchangeSettings
from services.shared.revocations import TokenRevocations
from tests.exchange.file_trading import wire_grants
from tests.exchange.trading_helpers import PASSWORD, Market, bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def password_grant(stack: Stack, username: str, password: str = PASSWORD) -> dict[str, Any]:
    answer = stack.exchange.post("/v1/auth/token", data={
        "grant_type": "password", "username": username, "password": password})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def refresh(stack: Stack, refresh_token: str) -> Any:
    return stack.exchange.post("/v1/auth/token", data={
        "grant_type": "refresh_token", "refresh_token": refresh_token})


def catalog_refuses_within(stack: Stack, token: str, bound: float) -> None:
    """The catalog (another process in production) refuses ``token`` within ``bound``."""
    deadline = time.monotonic() + bound + 0.5
    while stack.catalog.get("/v1/whoami", headers=bearer(token)).status_code != 401:
        assert time.monotonic() < deadline, "the catalog still accepts the token"
        time.sleep(0.1)


def fast_catalog_revocations(stack: Stack) -> TokenRevocations:
    wire_grants(stack)
    catalog_app: Any = stack.catalog.app
    revocations: TokenRevocations = catalog_app.state.revocations
    revocations.max_age = 1.0  # the catalog's bound in these tests (10 s by default)
    return revocations


def test_access_tokens_are_short_by_default() -> None:
    assert ExchangeSettings().user_token_ttl_seconds == 900
    assert ExchangeSettings().grant_token_ttl_seconds <= 900


def test_a_users_sign_in_gets_a_refresh_token_and_an_api_key_none(
        market: Market, stack: Stack) -> None:
    market.provider
    body = password_grant(stack, "provider")
    assert body["refresh_token"].startswith("rtk_")
    key = stack.exchange.post("/v1/api-keys", json={"name": "etl"},
                              headers=bearer(market.provider)).json()
    machine = stack.exchange.post("/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": key["client_id"],
        "client_secret": key["client_secret"]})
    assert machine.status_code == 200 and "refresh_token" not in machine.json()


def test_refresh_tokens_rotate_and_a_reused_one_revokes_the_whole_sign_in(
        market: Market, stack: Stack) -> None:
    market.provider
    first = password_grant(stack, "provider")
    second = refresh(stack, first["refresh_token"])
    assert second.status_code == 200, second.text
    renewed = second.json()
    assert renewed["refresh_token"] != first["refresh_token"]
    assert stack.exchange.get("/v1/me", headers=bearer(renewed["access_token"])).status_code == 200
    # An attacker replays the first (rotated) refresh token: refused, and the family dies.
    replayed = refresh(stack, first["refresh_token"])
    assert replayed.status_code == 400 and replayed.json()["error"] == "invalid_grant"
    assert "already used" in replayed.json()["detail"]
    assert refresh(stack, renewed["refresh_token"]).status_code == 400
    for access in (first["access_token"], renewed["access_token"]):
        refused = stack.exchange.get("/v1/me", headers=bearer(access))
        assert refused.status_code == 401 and refused.json()["type"].endswith(":token-revoked")
    event = market.events("session.refresh_reused")[-1]
    assert event["payload"]["org_id"] == market.org(market.provider)
    assert "provider" not in str(event["payload"])


def test_a_forged_or_malformed_refresh_token_is_invalid_grant(stack: Stack) -> None:
    for forged in ("rtk_nothing.secret", "garbage", "rtk_x."):
        answer = refresh(stack, forged)
        assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant"
    missing = stack.exchange.post("/v1/auth/token", data={"grant_type": "refresh_token"})
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_request"


def test_refresh_stops_for_a_disabled_user(market: Market, stack: Stack) -> None:
    invited = stack.exchange.post("/v1/users", json={"username": "temp", "role": "member"},
                                  headers=bearer(market.provider)).json()
    signed = password_grant(stack, "temp", invited["initial_password"])
    stack.exchange.post(f"/v1/users/{invited['id']}/disable", headers=bearer(market.provider))
    assert refresh(stack, signed["refresh_token"]).status_code == 400


def test_rfc7009_revocation_of_an_access_token_reaches_the_catalog_within_the_bound(
        market: Market, stack: Stack) -> None:
    revocations = fast_catalog_revocations(stack)
    market.provider
    signed = password_grant(stack, "provider")
    token = signed["access_token"]
    assert stack.catalog.get("/v1/whoami", headers=bearer(token)).status_code == 200
    answer = stack.exchange.post("/v1/auth/revoke", data={"token": token})
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    assert stack.exchange.get("/v1/me", headers=bearer(token)).status_code == 401
    catalog_refuses_within(stack, token, revocations.max_age)
    # Its sign-in's refresh token went with it.
    assert refresh(stack, signed["refresh_token"]).status_code == 400


def test_revoking_a_refresh_token_or_an_unknown_token(market: Market, stack: Stack) -> None:
    market.provider
    signed = password_grant(stack, "provider")
    answer = stack.exchange.post("/v1/auth/revoke", data={
        "token": signed["refresh_token"], "token_type_hint": "refresh_token"})
    assert answer.status_code == 200
    assert refresh(stack, signed["refresh_token"]).status_code == 400
    assert stack.exchange.get("/v1/me", headers=bearer(signed["access_token"])).status_code == 401
    for unknown in ("not-a-token", "rtk_unknown.secret"):
        assert stack.exchange.post("/v1/auth/revoke", data={"token": unknown}).status_code == 200
    assert stack.exchange.post("/v1/auth/revoke", data={}).status_code == 422


def test_sign_out_revokes_the_token_and_its_sign_in(market: Market, stack: Stack) -> None:
    market.provider
    signed = password_grant(stack, "provider")
    out = stack.exchange.post("/v1/auth/sign-out", headers=bearer(signed["access_token"]))
    assert out.status_code == 204
    assert stack.exchange.get("/v1/me", headers=bearer(signed["access_token"])).status_code == 401
    assert refresh(stack, signed["refresh_token"]).status_code == 400
    assert stack.exchange.post("/v1/auth/sign-out").status_code == 401


def test_a_deleted_api_keys_tokens_stop_working(market: Market, stack: Stack) -> None:
    revocations = fast_catalog_revocations(stack)
    key = stack.exchange.post("/v1/api-keys", json={"name": "etl"},
                              headers=bearer(market.provider)).json()
    token = stack.exchange.post("/v1/auth/token", data={
        "grant_type": "client_credentials", "client_id": key["client_id"],
        "client_secret": key["client_secret"]}).json()["access_token"]
    assert stack.catalog.get("/v1/whoami", headers=bearer(token)).status_code == 200
    deleted = stack.exchange.delete(f"/v1/api-keys/{key['client_id']}",
                                    headers=bearer(market.provider))
    assert deleted.status_code == 204
    assert stack.exchange.get("/v1/me", headers=bearer(token)).status_code == 401
    catalog_refuses_within(stack, token, revocations.max_age)


def test_the_revocation_list_is_for_services_only(market: Market, stack: Stack) -> None:
    assert stack.exchange.get("/v1/token-revocations",
                              headers=bearer(market.provider)).status_code == 403
    market.provider
    signed = password_grant(stack, "provider")
    stack.exchange.post("/v1/auth/revoke", data={"token": signed["access_token"]})
    listed = stack.exchange.get("/v1/token-revocations",
                                headers=bearer(market.service_token())).json()
    assert len(listed["tokens"]) == 1 and listed["organizations"] == []
