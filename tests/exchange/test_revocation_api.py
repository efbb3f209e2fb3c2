"""Revocation at the exchange: an operator or a regulator revokes a grant with a reason;
revoking or suspending an asset revokes the grants its orders issued."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from services.shared.canonical import text_sha256
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:dataex:problem:{slug}", body
    return body


def record(market: Market, order: dict[str, Any], token: str) -> httpx.Response:
    return market.exchange.get(f"/v1/orders/{order['id']}/grant/record", headers=bearer(token))


def fetch_token(market: Market, order: dict[str, Any]) -> httpx.Response:
    return market.exchange.get(f"/v1/orders/{order['id']}/grant", headers=bearer(market.buyer))


def test_an_operator_revokes_a_grant_with_a_reason_the_buyer_reads(market: Market) -> None:
    order = market.paid()
    grant_id = fetch_token(market, order).json()["grant_id"]
    revoked = market.exchange.post(f"/v1/grants/{grant_id}/revoke",
                                   json={"reason": "  数据来源存在争议，暂停使用  "},
                                   headers=bearer(market.operator))
    assert revoked.status_code == 200, revoked.text
    body = revoked.json()
    assert (body["status"], body["revoke_reason"]) == ("revoked", "数据来源存在争议，暂停使用")
    assert body["max_cache_seconds"] <= 30
    # the buyer sees it, and gets no new token, told why
    seen = record(market, order, market.buyer).json()
    assert (seen["status"], seen["revoke_reason"]) == ("revoked", "数据来源存在争议，暂停使用")
    refused = problem(fetch_token(market, order), 409, "grant-revoked")
    assert "数据来源存在争议" in refused["detail"]
    # the ledger has the reason's hash, not the words
    [event] = market.events("grant.revoked")
    assert event["payload"] == {"grant_id": grant_id, "order_id": order["id"],
                                "buyer_org_id": order["buyer_org_id"], "reason": "revoked",
                                "note_sha256": text_sha256("数据来源存在争议，暂停使用")}
    # the catalog's status call says revoked
    status = market.exchange.get(f"/v1/grants/{grant_id}",
                                 headers=bearer(market.service_token()))
    assert status.json()["status"] == "revoked"
    # revoking again is a 409 that changes nothing
    again = market.exchange.post(f"/v1/grants/{grant_id}/revoke", json={"reason": "再次"},
                                 headers=bearer(market.operator))
    problem(again, 409, "grant-revoked")
    assert len(market.events("grant.revoked")) == 1


def test_a_regulator_revokes_on_the_order(market: Market) -> None:
    order = market.paid()
    revoked = market.exchange.post(f"/v1/orders/{order['id']}/grant/revoke",
                                   json={"reason": "违反授权用途"},
                                   headers=bearer(market.regulator))
    assert revoked.status_code == 200, revoked.text
    assert revoked.json()["status"] == "revoked"
    [event] = market.events("grant.revoked")
    assert event["actor"].startswith("usr_")


def test_only_operators_and_regulators_revoke(market: Market) -> None:
    order = market.paid()
    url = f"/v1/orders/{order['id']}/grant/revoke"
    assert market.exchange.post(url, json={"reason": "x"}).status_code == 401
    for token in (market.buyer, market.provider):
        problem(market.exchange.post(url, json={"reason": "x"}, headers=bearer(token)),
                403, "operator-or-regulator")
    assert record(market, order, market.buyer).json()["status"] == "active"
    assert market.events("grant.revoked") == []


def test_who_sees_an_orders_grant_record(market: Market) -> None:
    order = market.paid()
    for token in (market.buyer, market.provider, market.operator, market.regulator):
        assert record(market, order, token).status_code == 200
    problem(record(market, order, market.other_buyer), 404, "not-found")
    unpaid = market.accepted()
    problem(record(market, unpaid, market.operator), 404, "not-found")


def test_bad_input_changes_nothing(market: Market) -> None:
    order = market.paid()
    grant_id = fetch_token(market, order).json()["grant_id"]
    for body in ({}, {"reason": "   "}, {"reason": "x" * 501}, {"reason": "x", "extra": 1}):
        response = market.exchange.post(f"/v1/grants/{grant_id}/revoke", json=body,
                                        headers=bearer(market.operator))
        assert response.status_code == 422, (body, response.text)
    problem(market.exchange.post("/v1/grants/grt_nope/revoke", json={"reason": "x"},
                                 headers=bearer(market.operator)), 404, "not-found")
    assert record(market, order, market.buyer).json()["status"] == "active"
    assert market.events("grant.revoked") == []


def test_suspending_an_asset_revokes_its_grants_and_reinstating_does_not_restore_them(
        market: Market) -> None:
    asset = market.registered_asset()
    offer = market.offer(asset=asset)
    order = market.paid(offer)
    unpaid = market.accepted(market.offer(asset=asset))
    other = market.paid()  # another asset's grant is untouched
    suspend = f"/v1/assets/{asset['id']}/suspend"
    for token in (market.provider, market.buyer):
        problem(market.exchange.post(suspend, json={"reason": "核查"}, headers=bearer(token)),
                403, "operator-or-regulator")
    assert market.exchange.post(suspend, json={}, headers=bearer(market.operator)) \
        .status_code == 422
    suspended = market.exchange.post(suspend, json={"reason": "权属核查中"},
                                     headers=bearer(market.regulator))
    assert suspended.status_code == 200, suspended.text
    assert (suspended.json()["status"], suspended.json()["suspend_reason"]) == \
        ("suspended", "权属核查中")
    seen = record(market, order, market.buyer).json()
    assert (seen["status"], seen["revoke_reason"]) == ("revoked", "权属核查中")
    assert record(market, other, market.buyer).json()["status"] == "active"
    assert record(market, unpaid, market.buyer).status_code == 404
    [revoked] = market.events("grant.revoked")
    assert revoked["payload"]["reason"] == "asset_suspended"
    [event] = market.events("asset.suspended")
    assert event["payload"]["reason_sha256"] == text_sha256("权属核查中")
    assert offer["id"] in event["payload"]["withdrawn_offer_ids"]
    # no new orders while suspended; suspending twice is a 409
    problem(market.place(offer), 409, "offer-withdrawn")
    problem(market.exchange.post(suspend, json={"reason": "再次"},
                                 headers=bearer(market.operator)), 409, "invalid-transition")
    reinstated = market.exchange.post(f"/v1/assets/{asset['id']}/reinstate",
                                      json={"reason": "核查完毕"},
                                      headers=bearer(market.operator))
    assert reinstated.json()["status"] == "registered", reinstated.text
    assert record(market, order, market.buyer).json()["status"] == "revoked"
    assert [e["type"] for e in market.events("asset.reinstated")] == ["asset.reinstated"]


def test_revoking_an_asset_revokes_its_grants(market: Market) -> None:
    asset = market.registered_asset()
    order = market.paid(market.offer(asset=asset))
    revoked = market.exchange.post(f"/v1/assets/{asset['id']}/revoke",
                                   json={"reason": "登记信息有误"},
                                   headers=bearer(market.provider))
    assert revoked.status_code == 200, revoked.text
    seen = record(market, order, market.buyer).json()
    assert (seen["status"], seen["revoke_reason"]) == ("revoked", "登记信息有误")
    [event] = market.events("grant.revoked")
    assert event["payload"]["reason"] == "asset_revoked"
    problem(fetch_token(market, order), 409, "grant-revoked")
