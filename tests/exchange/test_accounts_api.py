"""Accounts over HTTP: deposits by operators, balances, the journal, the trial balance."""

from __future__ import annotations

import pytest

from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def test_only_operators_record_deposits(market: Market) -> None:
    url = f"/v1/accounts/{market.org(market.buyer)}/deposits"
    assert market.exchange.post(url, json={"amount_fen": 100}).status_code == 401
    for token in (market.buyer, market.regulator):
        assert market.exchange.post(url, json={"amount_fen": 100},
                                    headers=bearer(token)).status_code == 403
    assert market.balances(market.buyer) == (0, 0)


def test_a_deposit_credits_the_member_from_bank_clearing(market: Market) -> None:
    deposit = market.deposit(market.buyer, 12_345)
    assert (deposit["balance_fen"], deposit["escrow_fen"]) == (12_345, 0)
    assert market.balances(market.buyer) == (12_345, 0)
    [event] = market.events("account.deposited")
    assert event["payload"]["amount_fen"] == 12_345
    assert event["payload"]["journal_entry_id"] == deposit["journal_entry_id"]
    entries = market.exchange.get("/v1/accounts/me/entries", headers=bearer(market.buyer))
    [entry] = entries.json()
    assert entry["kind"] == "deposit"
    assert entry["postings"] == [{"account": f"{market.org(market.buyer)}:available",
                                  "amount_fen": 12_345}]
    trial = market.exchange.get("/v1/accounts/trial-balance",
                                headers=bearer(market.operator)).json()
    assert trial["balances"]["external:bank_clearing"] == -12_345
    assert (trial["total_fen"], trial["balanced"]) == (0, True)


@pytest.mark.parametrize("amount", [0, -5, 10**16, 1.5, "100"])
def test_bad_amounts_are_422(market: Market, amount: object) -> None:
    response = market.exchange.post(f"/v1/accounts/{market.org(market.buyer)}/deposits",
                                    json={"amount_fen": amount}, headers=bearer(market.operator))
    assert response.status_code == 422
    assert market.balances(market.buyer) == (0, 0)


def test_deposits_to_unknown_or_pending_organisations_are_404(market: Market) -> None:
    pending = market.stack.register(roles=["buyer"], credit_code="91350100M000100Y43",
                                    username="pending-buyer")
    for org_id in ("org_nope", pending["id"]):
        response = market.exchange.post(f"/v1/accounts/{org_id}/deposits",
                                        json={"amount_fen": 100},
                                        headers=bearer(market.operator))
        assert response.status_code == 404


def test_a_deposit_with_a_key_is_recorded_once(market: Market) -> None:
    url = f"/v1/accounts/{market.org(market.buyer)}/deposits"
    headers = {**bearer(market.operator), "Idempotency-Key": "bank-txn-778"}
    first = market.exchange.post(url, json={"amount_fen": 500}, headers=headers)
    again = market.exchange.post(url, json={"amount_fen": 500}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    other = market.exchange.post(url, json={"amount_fen": 501}, headers=headers)
    assert other.status_code == 409
    assert market.balances(market.buyer) == (500, 0)


def test_balances_need_a_member_token(market: Market) -> None:
    assert market.exchange.get("/v1/accounts/me").status_code == 401
    service = market.exchange.get("/v1/accounts/me",
                                  headers=bearer(market.service_token("catalog")))
    assert service.status_code == 403
    assert market.exchange.get("/v1/accounts/trial-balance",
                               headers=bearer(market.buyer)).status_code == 403
