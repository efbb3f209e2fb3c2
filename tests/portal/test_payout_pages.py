"""Payout pages: the provider's bank account, request and history; the operator's queue
(mark paid, reject), reconciliation and fee; errors next to fields, roles, CSRF."""

from __future__ import annotations

import re

import pytest

from services.portal.session import CSRF_FIELD
from tests.exchange.payout_helpers import BANK, today
from tests.exchange.trading_helpers import PASSWORD, Market
from tests.portal.conftest import Portal
from tests.stack import OPERATOR


@pytest.fixture
def market(portal: Portal) -> Market:
    return Market(portal.stack)


def post(portal: Portal, path: str, data: dict[str, str], page: str) -> object:
    return portal.client.post(path, data={**data, CSRF_FIELD: portal.csrf(page)},
                              follow_redirects=False)


def provider_with_money(portal: Portal, market: Market, fen: int) -> None:
    market.deposit(market.provider, fen)
    assert portal.sign_in("provider", PASSWORD).status_code == 303


def test_a_provider_files_an_account_and_requests_a_payout(portal: Portal,
                                                           market: Market) -> None:
    provider_with_money(portal, market, 50_000)
    page = portal.client.get("/provider/payouts")
    assert page.status_code == 200 and "尚未登记收款账户" in page.text
    assert '<label for="account_number">账号</label>' in page.text
    saved = post(portal, "/provider/payouts/bank-account", BANK, "/provider/payouts")
    assert saved.status_code == 303  # type: ignore[attr-defined]
    page = portal.client.get("/provider/payouts?done=account").text
    assert "****************0123"[-8:] in page and "收款账户已保存" in page
    key = re.search(r'name="idempotency_key" value="([^"]+)"', page)
    assert key
    data = {"amount": "123.45", "idempotency_key": key.group(1)}
    first = post(portal, "/provider/payouts", data, "/provider/payouts")
    again = post(portal, "/provider/payouts", data, "/provider/payouts")
    assert first.status_code == again.status_code == 303  # type: ignore[attr-defined]
    assert market.balances(market.provider) == (50_000 - 12_345, 0)   # requested once
    history = portal.client.get("/provider/payouts?lang=en").text
    assert "Requested" in history and "123.45" in history


def test_bad_input_shows_next_to_its_field_and_changes_nothing(portal: Portal,
                                                               market: Market) -> None:
    provider_with_money(portal, market, 1_000)
    bad = post(portal, "/provider/payouts/bank-account", {**BANK, "account_number": "12"},
               "/provider/payouts")
    assert bad.status_code == 422  # type: ignore[attr-defined]
    assert 'id="account_number-error"' in bad.text  # type: ignore[attr-defined]
    post(portal, "/provider/payouts/bank-account", BANK, "/provider/payouts")
    for amount, status in (("abc", 422), ("0", 422), ("10.001", 422), ("11", 409)):
        response = post(portal, "/provider/payouts",
                        {"amount": amount, "idempotency_key": f"k-{amount}"},
                        "/provider/payouts")
        assert response.status_code == status  # type: ignore[attr-defined]
        assert 'id="amount-error"' in response.text  # type: ignore[attr-defined]
    assert market.balances(market.provider) == (1_000, 0)


def test_the_operator_marks_paid_or_rejects_and_reconciles(portal: Portal,
                                                          market: Market) -> None:
    market.deposit(market.provider, 30_000)
    market.exchange.put("/v1/payouts/bank-account", json=BANK,
                        headers={"Authorization": f"Bearer {market.provider}"})
    for amount in (10_000, 5_000):
        market.exchange.post("/v1/payouts", json={"amount_fen": amount},
                             headers={"Authorization": f"Bearer {market.provider}"})
    assert portal.sign_in(*OPERATOR).status_code == 303
    queue = portal.client.get("/operator/payouts").text
    ids = re.findall(r'action="/operator/payouts/([^/]+)/answer"', queue)
    keys = re.findall(r'name="idempotency_key" value="([^"]+)"', queue)
    assert len(set(ids)) == 2 and "6222021234567890123" in queue
    blank = post(portal, f"/operator/payouts/{ids[0]}/answer",
                 {"decision": "paid", "bank_reference": " ", "idempotency_key": keys[0]},
                 "/operator/payouts")
    assert blank.status_code == 422, blank.text  # type: ignore[attr-defined]
    assert "请填写银行流水号" in blank.text  # type: ignore[attr-defined]
    paid = post(portal, f"/operator/payouts/{ids[0]}/answer",
                {"decision": "paid", "bank_reference": "ICBC-1", "idempotency_key": keys[0]},
                "/operator/payouts")
    assert paid.status_code == 303  # type: ignore[attr-defined]
    rejected = post(portal, f"/operator/payouts/{ids[2]}/answer",
                    {"decision": "reject", "reason": "账户冻结", "idempotency_key": keys[2]},
                    "/operator/payouts")
    assert rejected.status_code == 303  # type: ignore[attr-defined]
    assert "没有待处理的提现" in portal.client.get("/operator/payouts").text
    report = portal.client.get(f"/operator/reconciliation?date={today()}")
    assert report.status_code == 200 and "已平衡" in report.text and "ICBC-1" in report.text
    assert portal.client.get("/operator/reconciliation?date=2026-99-01").status_code == 422


def test_the_operator_sets_the_fee(portal: Portal, market: Market) -> None:
    assert portal.sign_in(*OPERATOR).status_code == 303
    page = portal.client.get("/operator/fees")
    assert page.status_code == 200 and 'id="fee-now">300 bp' in page.text
    bad = post(portal, "/operator/fees", {"fee_bps": "3%", "effective_date": today()},
               "/operator/fees")
    assert bad.status_code == 422 and 'id="fee_bps-error"' in bad.text  # type: ignore[attr-defined]
    past = post(portal, "/operator/fees", {"fee_bps": "200", "effective_date": "2020-01-01"},
                "/operator/fees")
    assert past.status_code == 422  # type: ignore[attr-defined]
    assert 'id="effective_date-error"' in past.text  # type: ignore[attr-defined]
    done = post(portal, "/operator/fees", {"fee_bps": "250", "effective_date": today()},
                "/operator/fees")
    assert done.status_code == 303  # type: ignore[attr-defined]
    assert 'id="fee-now">250 bp' in portal.client.get("/operator/fees").text


def test_other_roles_are_kept_out(portal: Portal, market: Market) -> None:
    market.buyer
    assert portal.sign_in("buyer", PASSWORD).status_code == 303
    for path in ("/provider/payouts", "/operator/payouts", "/operator/reconciliation",
                 "/operator/fees"):
        assert portal.client.get(path, follow_redirects=False).status_code == 403, path


def test_forms_without_csrf_are_refused(portal: Portal, market: Market) -> None:
    provider_with_money(portal, market, 100)
    response = portal.client.post("/provider/payouts/bank-account", data=BANK,
                                  follow_redirects=False)
    assert response.status_code == 403
