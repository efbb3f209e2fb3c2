"""Payouts over HTTP: the bank account on file, requests, the operator's decisions with
Idempotency-Key, who may do what, and the ledger events they leave."""

from __future__ import annotations

import pytest

from services.shared.canonical import text_sha256
from tests.exchange.payout_helpers import BANK, reconciliation, requested, with_bank_account
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def pending_of(market: Market, token: str) -> int:
    trial = market.exchange.get("/v1/accounts/trial-balance",
                                headers=bearer(market.operator)).json()
    return int(trial["balances"].get(f"{market.org(token)}:payout_pending", 0))


def test_the_bank_account_is_kept_and_only_its_hash_reaches_the_ledger(market: Market) -> None:
    shown = with_bank_account(market, market.provider)
    assert shown["account_number_masked"] == "*" * 15 + "0123"
    assert shown["account_name"] == BANK["account_name"]
    again = market.exchange.get("/v1/payouts/bank-account", headers=bearer(market.provider))
    assert again.json() == shown
    [event] = market.events("payout.bank_account_set")
    assert event["payload"]["bank_account_sha256"] == shown["bank_account_sha256"]
    assert "6222" not in str(event) and "工商银行" not in str(event)


def test_a_payout_moves_money_to_pending_then_out_to_the_bank(market: Market) -> None:
    with_bank_account(market, market.provider)
    payout = requested(market, market.provider, 30_000)
    assert payout["status"] == "requested"
    assert payout["account_number"] == "6222021234567890123"
    assert market.balances(market.provider) == (0, 0)
    assert pending_of(market, market.provider) == 30_000
    paid = market.exchange.post(f"/v1/payouts/{payout['id']}/paid",
                                json={"bank_reference": "ICBC-20261206-0001"},
                                headers={**bearer(market.operator), "Idempotency-Key": "p-1"})
    assert paid.status_code == 200, paid.text
    assert paid.json()["status"] == "paid" and paid.json()["decision_entry_id"]
    assert pending_of(market, market.provider) == 0
    trial = market.exchange.get("/v1/accounts/trial-balance",
                                headers=bearer(market.operator)).json()
    assert trial["balances"]["external:bank_clearing"] == 0 and trial["balanced"]
    [asked] = market.events("payout.requested")
    [done] = market.events("payout.paid")
    assert asked["payload"]["postings"] == [
        {"account": f"{market.org(market.provider)}:available", "amount_fen": -30_000},
        {"account": f"{market.org(market.provider)}:payout_pending", "amount_fen": 30_000}]
    assert done["payload"]["bank_reference_sha256"] == text_sha256("ICBC-20261206-0001")
    assert done["payload"]["journal_entry_id"] == paid.json()["decision_entry_id"]


def test_marking_paid_twice_with_the_key_replays_and_without_it_is_409(market: Market) -> None:
    with_bank_account(market, market.provider)
    payout = requested(market, market.provider, 5_000)
    url = f"/v1/payouts/{payout['id']}/paid"
    headers = {**bearer(market.operator), "Idempotency-Key": "bank-77"}
    first = market.exchange.post(url, json={"bank_reference": "R1"}, headers=headers)
    again = market.exchange.post(url, json={"bank_reference": "R1"}, headers=headers)
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    fresh = market.exchange.post(url, json={"bank_reference": "R1"},
                                 headers=bearer(market.operator))
    assert fresh.status_code == 409 and fresh.json()["type"].endswith("payout-decided")
    assert len(market.events("payout.paid")) == 1


def test_a_rejected_payout_returns_the_money(market: Market) -> None:
    with_bank_account(market, market.provider)
    payout = requested(market, market.provider, 8_000)
    rejected = market.exchange.post(f"/v1/payouts/{payout['id']}/reject",
                                    json={"reason": "户名与开户行记录不符"},
                                    headers=bearer(market.operator))
    assert rejected.status_code == 200 and rejected.json()["status"] == "rejected"
    assert market.balances(market.provider) == (8_000, 0)
    assert pending_of(market, market.provider) == 0
    [event] = market.events("payout.rejected")
    assert event["payload"]["reason_sha256"] == text_sha256("户名与开户行记录不符")
    paid = market.exchange.post(f"/v1/payouts/{payout['id']}/paid",
                                json={"bank_reference": "R"}, headers=bearer(market.operator))
    assert paid.status_code == 409


def test_a_request_with_a_key_moves_the_money_once(market: Market) -> None:
    with_bank_account(market, market.provider)
    market.deposit(market.provider, 10_000)
    headers = {**bearer(market.provider), "Idempotency-Key": "payout-1"}
    first = market.exchange.post("/v1/payouts", json={"amount_fen": 4_000}, headers=headers)
    again = market.exchange.post("/v1/payouts", json={"amount_fen": 4_000}, headers=headers)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    other = market.exchange.post("/v1/payouts", json={"amount_fen": 4_001}, headers=headers)
    assert other.status_code == 409
    assert market.balances(market.provider) == (6_000, 0)


def test_requests_beyond_the_balance_or_without_an_account_change_nothing(
        market: Market) -> None:
    market.deposit(market.provider, 1_000)
    none = market.exchange.post("/v1/payouts", json={"amount_fen": 500},
                                headers=bearer(market.provider))
    assert none.status_code == 409 and none.json()["type"].endswith("no-bank-account")
    with_bank_account(market, market.provider)
    over = market.exchange.post("/v1/payouts", json={"amount_fen": 1_001},
                                headers=bearer(market.provider))
    assert over.status_code == 409 and over.json()["type"].endswith("insufficient-funds")
    assert market.balances(market.provider) == (1_000, 0)
    assert market.events("payout.requested") == []


@pytest.mark.parametrize("amount", [0, -1, 1.5, "100", 10**16])
def test_bad_amounts_are_422(market: Market, amount: object) -> None:
    with_bank_account(market, market.provider)
    response = market.exchange.post("/v1/payouts", json={"amount_fen": amount},
                                    headers=bearer(market.provider))
    assert response.status_code == 422


@pytest.mark.parametrize("field,value", [("account_number", "12-34"),
                                         ("account_number", "6222x0212345678"),
                                         ("account_name", "   "), ("bank_name", "")])
def test_bad_bank_accounts_are_422_and_say_which_field(market: Market, field: str,
                                                       value: str) -> None:
    response = market.exchange.put("/v1/payouts/bank-account", json={**BANK, field: value},
                                   headers=bearer(market.provider))
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert market.exchange.get("/v1/payouts/bank-account",
                               headers=bearer(market.provider)).status_code == 404


def test_blank_references_and_reasons_are_422(market: Market) -> None:
    with_bank_account(market, market.provider)
    payout = requested(market, market.provider, 100)
    for action, body in (("paid", {"bank_reference": "  "}), ("reject", {"reason": ""})):
        response = market.exchange.post(f"/v1/payouts/{payout['id']}/{action}", json=body,
                                        headers=bearer(market.operator))
        assert response.status_code == 422
    assert pending_of(market, market.provider) == 100


def test_wrong_roles_are_refused(market: Market) -> None:
    for token in (market.buyer, market.operator, market.regulator):
        assert market.exchange.put("/v1/payouts/bank-account", json=BANK,
                                   headers=bearer(token)).status_code == 403
        assert market.exchange.post("/v1/payouts", json={"amount_fen": 1},
                                    headers=bearer(token)).status_code == 403
    with_bank_account(market, market.provider)
    payout = requested(market, market.provider, 100)
    for token in (market.provider, market.buyer, market.regulator):
        for action, body in (("paid", {"bank_reference": "R"}), ("reject", {"reason": "x"})):
            response = market.exchange.post(f"/v1/payouts/{payout['id']}/{action}",
                                            json=body, headers=bearer(token))
            assert response.status_code == 403
    assert market.exchange.get("/v1/payouts", headers=bearer(market.buyer)).status_code == 403
    assert market.exchange.post("/v1/payouts", json={"amount_fen": 1}).status_code == 401


def test_another_organisation_sees_neither_the_payout_nor_its_list(market: Market) -> None:
    with_bank_account(market, market.provider)
    payout = requested(market, market.provider, 100)
    other = market.exchange.get(f"/v1/payouts/{payout['id']}", headers=bearer(market.company))
    assert other.status_code == 404
    assert market.exchange.get("/v1/payouts", headers=bearer(market.company)).json() == []
    assert market.exchange.get("/v1/payouts/bank-account",
                               headers=bearer(market.company)).status_code == 404
    mine = market.exchange.get("/v1/payouts", headers=bearer(market.provider)).json()
    assert [p["id"] for p in mine] == [payout["id"]]
    queue = market.exchange.get("/v1/payouts?status=requested",
                                headers=bearer(market.operator)).json()
    assert [p["id"] for p in queue] == [payout["id"]]
    assert market.exchange.get(f"/v1/payouts/{payout['id']}",
                               headers=bearer(market.regulator)).status_code == 200


def test_unknown_payouts_are_404(market: Market) -> None:
    response = market.exchange.post("/v1/payouts/po_nope/paid", json={"bank_reference": "R"},
                                    headers=bearer(market.operator))
    assert response.status_code == 404


def test_the_day_reconciles_deposits_and_payouts_against_the_journal(market: Market) -> None:
    with_bank_account(market, market.provider)
    market.deposit(market.buyer, 70_000)
    paid = requested(market, market.provider, 20_000)
    market.exchange.post(f"/v1/payouts/{paid['id']}/paid", json={"bank_reference": "B-1"},
                         headers=bearer(market.operator))
    requested(market, market.provider, 3_000)
    report = reconciliation(market)
    assert report["balanced"] and report["problems"] == []
    assert report["deposits_fen"] == report["journal_in_fen"] == 93_000
    assert report["payouts_fen"] == report["journal_out_fen"] == 20_000
    assert (report["opening_fen"], report["closing_fen"]) == (0, 73_000)
    assert report["pending_payouts_fen"] == 3_000
    assert [p["payout_id"] for p in report["payouts"]] == [paid["id"]]
    assert len(report["deposits"]) == 3
    assert reconciliation(market, "2020-01-01")["deposits"] == []


def test_the_reconciliation_is_for_operators_and_regulators(market: Market) -> None:
    for token in (market.provider, market.buyer):
        response = market.exchange.get("/v1/reconciliation/2026-12-06", headers=bearer(token))
        assert response.status_code == 403
    assert market.exchange.get("/v1/reconciliation/2026-12-06",
                               headers=bearer(market.regulator)).status_code == 200
    assert market.exchange.get("/v1/reconciliation/2026-13-01",
                               headers=bearer(market.operator)).status_code == 422
