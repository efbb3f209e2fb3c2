"""Disputes over HTTP: who may open and rule, the window, and money and grants following
each ruling."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from services.shared.orm import utcnow
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def open_dispute(market: Market, order: dict[str, Any], token: str | None,
                 **extra: Any):  # type: ignore[no-untyped-def]
    body = {"order_id": order["id"], "reason": "数据与描述不符", **extra}
    return market.exchange.post("/v1/disputes", json=body, headers=bearer(token))


def rule(market: Market, dispute: dict[str, Any], token: str | None,
         **body: Any):  # type: ignore[no-untyped-def]
    return market.exchange.post(f"/v1/disputes/{dispute['id']}/rule", json=body,
                                headers=bearer(token))


def grant_status(market: Market, order: dict[str, Any]) -> str:
    grant = market.exchange.get(f"/v1/orders/{order['id']}/grant", headers=bearer(market.buyer))
    assert grant.status_code in (200, 409), grant.text
    status = market.exchange.get(f"/v1/grants/{_grant_id(market, order)}",
                                 headers=bearer(market.service_token()))
    return str(status.json()["status"])


def _grant_id(market: Market, order: dict[str, Any]) -> str:
    [event] = [e for e in market.events("grant.issued")
               if e["payload"]["order_id"] == order["id"]]
    return str(event["payload"]["grant_id"])


class TestOpening:
    def test_either_party_opens_one_and_settlement_freezes(self, market: Market) -> None:
        order = market.paid()
        assert open_dispute(market, order, None).status_code == 401
        assert open_dispute(market, order, market.other_buyer).status_code == 404
        assert open_dispute(market, order, market.regulator).status_code == 403
        opened = open_dispute(market, order, market.buyer,
                              evidence=[{"ledger_seq": 12, "note": "交付记录"}])
        assert opened.status_code == 201
        dispute = opened.json()
        assert (dispute["status"], dispute["opened_by_role"]) == ("open", "buyer")
        assert market.act(order, "confirm", market.buyer).status_code == 409
        assert market.sweep(utcnow() + timedelta(days=30)).settled_orders == 0
        assert open_dispute(market, order, market.provider).status_code == 409
        [event] = market.events("order.disputed")
        assert event["payload"]["dispute_id"] == dispute["id"]
        assert event["payload"]["evidence"] == [{"ledger_seq": 12, "note": "交付记录"}]
        for token in (market.buyer, market.provider, market.regulator):
            seen = market.exchange.get(f"/v1/disputes/{dispute['id']}", headers=bearer(token))
            assert seen.status_code == 200
        assert market.exchange.get(f"/v1/disputes/{dispute['id']}",
                                   headers=bearer(market.other_buyer)).status_code == 404
        listed = market.exchange.get("/v1/disputes", headers=bearer(market.provider)).json()
        assert [d["id"] for d in listed] == [dispute["id"]]
        assert market.exchange.get("/v1/disputes",
                                   headers=bearer(market.other_buyer)).json() == []

    def test_only_paid_orders_within_the_window(self, market: Market) -> None:
        requested = market.order()
        assert open_dispute(market, requested, market.buyer).status_code == 409
        settled = market.paid()
        market.act(settled, "confirm", market.buyer)
        assert open_dispute(market, settled, market.buyer).status_code == 409

    def test_evidence_must_name_a_ledger_entry(self, market: Market) -> None:
        order = market.paid()
        response = open_dispute(market, order, market.buyer, evidence=[{"note": "见附件"}])
        assert response.status_code == 422


class TestRuling:
    def test_a_partial_refund_splits_the_escrow(self, market: Market) -> None:
        order = market.paid()
        dispute = open_dispute(market, order, market.buyer).json()
        body = {"outcome": "refund_partial", "refund_fen": 20_000, "reason": "部分字段缺失"}
        assert rule(market, dispute, market.buyer, **body).status_code == 403
        assert rule(market, dispute, market.operator, **body).status_code == 403
        ruled = rule(market, dispute, market.regulator, **body)
        assert ruled.status_code == 200
        assert (ruled.json()["status"], ruled.json()["refund_fen"]) == ("ruled", 20_000)
        after = market.exchange.get(f"/v1/orders/{order['id']}",
                                    headers=bearer(market.buyer)).json()
        # 30,000 kept: fee 3% = 900, provider 29,100
        assert (after["status"], after["refunded_fen"], after["fee_fen"],
                after["provider_net_fen"]) == ("settled", 20_000, 900, 29_100)
        assert market.balances(market.buyer) == (20_000, 0)
        assert market.balances(market.provider) == (29_100, 0)
        assert grant_status(market, order) == "active"
        voucher = market.exchange.get(f"/v1/orders/{order['id']}/voucher",
                                      headers=bearer(market.buyer)).json()
        assert voucher["refunded_fen"] == 20_000
        assert rule(market, dispute, market.regulator, **body).status_code == 409

    def test_a_full_refund_returns_everything_and_revokes_the_grant(self, market: Market) -> None:
        order = market.paid()
        assert grant_status(market, order) == "active"
        dispute = open_dispute(market, order, market.provider).json()
        ruled = rule(market, dispute, market.regulator, outcome="refund_full", reason="未交付")
        assert ruled.status_code == 200
        after = market.exchange.get(f"/v1/orders/{order['id']}",
                                    headers=bearer(market.buyer)).json()
        assert (after["status"], after["refunded_fen"], after["fee_fen"]) == ("refunded",
                                                                              50_000, 0)
        assert market.balances(market.buyer) == (50_000, 0)
        assert market.balances(market.provider) == (0, 0)
        assert grant_status(market, order) == "revoked"
        token = market.exchange.get(f"/v1/orders/{order['id']}/grant",
                                    headers=bearer(market.buyer))
        assert token.status_code == 409
        assert [e["type"] for e in market.events("grant.revoked")] == ["grant.revoked"]

    def test_a_rejected_dispute_settles_in_full(self, market: Market) -> None:
        order = market.paid()
        dispute = open_dispute(market, order, market.buyer).json()
        rule(market, dispute, market.regulator, outcome="reject", reason="证据不足")
        assert market.balances(market.provider) == (48_500, 0)

    @pytest.mark.parametrize("body", [
        {"outcome": "refund_partial"},
        {"outcome": "refund_partial", "refund_fen": 0},
        {"outcome": "refund_partial", "refund_fen": 50_000},
        {"outcome": "refund_full", "refund_fen": 10},
        {"outcome": "reject", "refund_fen": 10},
        {"outcome": "refund_partial", "refund_fen": 10.5},
        {"outcome": "split"},
    ])
    def test_inconsistent_rulings_are_422_and_change_nothing(
        self, market: Market, body: dict[str, Any]
    ) -> None:
        order = market.paid()
        dispute = open_dispute(market, order, market.buyer).json()
        assert rule(market, dispute, market.regulator, **body).status_code == 422
        assert market.balances(market.buyer) == (0, 50_000)
