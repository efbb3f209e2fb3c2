"""Issue 18, item 4 (organisation suspension): the operator suspends an organisation and
its tokens, grants and offers stop; reinstatement restores its offers but not its grants.

Finding covered: "there is no ... organisation suspension".
"""

from __future__ import annotations

import time
from typing import Any

import pytest

from tests.exchange.trading_helpers import PASSWORD, Market, bearer
from tests.security.test_sessions import catalog_refuses_within, fast_catalog_revocations
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def suspend(market: Market, org_id: str, token: str, reason: str = "涉嫌违规交易") -> Any:
    return market.exchange.post(f"/v1/organizations/{org_id}/suspend",
                                json={"reason": reason}, headers=bearer(token))


def reinstate(market: Market, org_id: str, token: str) -> Any:
    return market.exchange.post(f"/v1/organizations/{org_id}/reinstate",
                                json={"reason": "整改完成"}, headers=bearer(token))


def grant_status(market: Market, order: dict[str, Any]) -> str:
    record = market.exchange.get(f"/v1/orders/{order['id']}/grant/record",
                                 headers=bearer(market.operator))
    assert record.status_code == 200, record.text
    return str(record.json()["status"])


def test_suspending_a_buyer_stops_its_tokens_and_grants_for_good(
        market: Market, stack: Stack) -> None:
    revocations = fast_catalog_revocations(stack)
    order = market.paid()
    buyer, buyer_org = market.buyer, market.org(market.buyer)
    assert grant_status(market, order) == "active"
    assert stack.catalog.get("/v1/whoami", headers=bearer(buyer)).status_code == 200
    suspended = suspend(market, buyer_org, market.operator)
    suspended_at = int(time.time())
    assert suspended.status_code == 200, suspended.text
    assert suspended.json()["status"] == "suspended" and suspended.json()["suspended_at"]
    refused = market.exchange.get("/v1/me", headers=bearer(buyer))
    assert refused.status_code == 401 and "suspended" in refused.json()["detail"]
    catalog_refuses_within(stack, buyer, revocations.max_age)
    signin = stack.exchange.post("/v1/auth/token", data={
        "grant_type": "password", "username": "buyer", "password": PASSWORD})
    assert signin.status_code == 400 and signin.json()["type"].endswith(
        ":organization-not-active")
    assert grant_status(market, order) == "revoked"
    event = market.events("organization.suspended")[-1]
    assert event["payload"]["org_id"] == buyer_org
    assert event["payload"]["grants_revoked"] and "涉嫌" not in str(event)
    listed = market.exchange.get("/v1/organizations?status=suspended",
                                 headers=bearer(market.operator)).json()
    assert [o["id"] for o in listed] == [buyer_org]

    assert reinstate(market, buyer_org, market.operator).status_code == 200
    assert grant_status(market, order) == "revoked"  # grants are not restored
    assert market.exchange.get("/v1/me", headers=bearer(buyer)).status_code == 401
    # Tokens carry whole seconds: one issued in the second of the suspension is refused.
    time.sleep(max(0.0, suspended_at + 1 - time.time()))
    fresh = stack.token("buyer", PASSWORD)
    assert market.exchange.get("/v1/me", headers=bearer(fresh)).status_code == 200


def test_suspending_a_provider_suspends_its_offers_until_reinstated(market: Market) -> None:
    offer = market.offer()
    provider_org = market.org(market.provider)
    assert suspend(market, provider_org, market.operator).status_code == 200
    shown = market.exchange.get(f"/v1/offers/{offer['id']}", headers=bearer(market.buyer))
    assert shown.json()["status"] == "suspended"
    refused = market.place(offer)
    assert refused.status_code in (409, 422), refused.text
    reinstated = reinstate(market, provider_org, market.operator)
    assert reinstated.status_code == 200 and reinstated.json()["status"] == "active"
    assert market.exchange.get(f"/v1/offers/{offer['id']}").json()["status"] == "active"
    assert market.place(offer).status_code == 201
    assert market.events("organization.reinstated")[-1]["payload"]["offers_restored"] == [
        offer["id"]]


def test_only_operators_suspend_and_only_what_may_be(market: Market) -> None:
    buyer_org = market.org(market.buyer)
    assert suspend(market, buyer_org, market.provider).status_code == 403
    assert suspend(market, buyer_org, market.regulator).status_code == 403
    assert suspend(market, buyer_org, market.operator, reason="").status_code == 422
    assert suspend(market, "org_nope", market.operator).status_code == 404
    assert suspend(market, market.org(market.operator), market.operator).status_code == 409
    assert reinstate(market, buyer_org, market.operator).status_code == 409
    pending = market.stack.register(roles=["buyer"], credit_code="91330106MA2CXY1A0P",
                                    username="pending-buyer")
    assert suspend(market, pending["id"], market.operator).status_code == 409
    assert suspend(market, buyer_org, market.operator).status_code == 200
    assert suspend(market, buyer_org, market.operator).status_code == 409
