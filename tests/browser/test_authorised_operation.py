"""公共数据授权运营 in a real browser: a provider (through the API) offers not-open data;
the demo buyer's order is refused with the rule; the regulator approves the buyer's
organisation as operator for a stated scenario and term; the buyer then orders it."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from services.cli.demo import DEMO_ACCOUNTS
from tests.browser.conftest import screenshot, sign_in
from tests.e2e.processes import OPERATOR, ServiceProcesses
from tests.exchange.trading_helpers import bearer, dataset_body

pytestmark = pytest.mark.e2e

PROVIDER = next(a for a in DEMO_ACCOUNTS if "provider" in a.roles)
BUYER = next(a for a in DEMO_ACCOUNTS if "buyer" in a.roles)
REGULATOR = next(a for a in DEMO_ACCOUNTS if "regulator" in a.roles)
SCENARIO = "城市交通信号配时优化（按路口汇总）"


def _token(live: ServiceProcesses, username: str, password: str) -> str:
    answer = httpx.post(f"{live.url('exchange')}/v1/auth/token", timeout=30, data={
        "grant_type": "password", "username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _ok(answer: httpx.Response) -> dict[str, Any]:
    assert answer.status_code in (200, 201), answer.text
    body: dict[str, Any] = answer.json()
    return body


def offer_not_open_data(live: ServiceProcesses) -> dict[str, Any]:
    """A listed not-open dataset, its certified asset (holding right) and an offer."""
    catalog, exchange = live.url("catalog"), live.url("exchange")
    provider = _token(live, PROVIDER.username, PROVIDER.password)
    operator = _token(live, *OPERATOR)
    dataset = _ok(httpx.post(f"{catalog}/v1/datasets", headers=bearer(provider), timeout=30,
                             json=dataset_body(title={"zh": "路口通行明细（不予开放）",
                                                      "en": "Junction passages"},
                                               open_type="not_open")))
    _ok(httpx.post(f"{catalog}/v1/datasets/{dataset['id']}/submit", headers=bearer(provider),
                   timeout=30))
    _ok(httpx.post(f"{catalog}/v1/datasets/{dataset['id']}/review", headers=bearer(operator),
                   json={"approve": True}, timeout=30))
    asset = _ok(httpx.post(f"{exchange}/v1/assets", headers=bearer(provider), timeout=30,
                           json={"name": "路口通行数据资产", "dataset_ids": [dataset["id"]],
                                 "rights": ["holding"]}))
    _ok(httpx.post(f"{exchange}/v1/assets/{asset['id']}/review", headers=bearer(operator),
                   json={"approve": True}, timeout=30))
    return _ok(httpx.post(f"{exchange}/v1/offers", headers=bearer(provider), timeout=30, json={
        "asset_id": asset["id"], "plan": "one_time", "price_fen": 20_000, "term_days": 90,
        "title": "路口通行数据授权运营"}))


def order(page: Any, offer_id: str) -> None:
    page.goto(f"/offers/{offer_id}/order")
    page.get_by_label("使用目的").fill("交通信号配时优化")
    page.get_by_label("我已阅读并接受上述合同条款").check()
    page.get_by_role("button", name="提交订单").click()


def test_regulator_authorises_and_the_operator_orders(page: Any,
                                                       live: ServiceProcesses) -> None:
    offer = offer_not_open_data(live)
    assert offer["rights_granted"] == ["processing"]
    buyer_org = _ok(httpx.get(f"{live.url('exchange')}/v1/me", timeout=30, headers=bearer(
        _token(live, BUYER.username, BUYER.password))))["organization"]["id"]

    sign_in(page, BUYER.username, BUYER.password)
    order(page, offer["id"])
    refusal = page.get_by_role("alert").first
    assert "公共数据授权运营" in refusal.inner_text()

    sign_in(page, REGULATOR.username, REGULATOR.password)
    page.goto("/regulator/authorisations")
    assert page.locator("h1").inner_text() == "授权运营"
    page.get_by_role("button", name="批准授权").click()  # nothing chosen: errors by field
    assert page.locator("#asset_id-error").is_visible()
    assert page.locator("#scenario-error").is_visible()
    page.get_by_label("不予开放的数据资产").select_option(offer["asset_id"])
    page.get_by_label("被授权运营机构").select_option(buyer_org)
    page.get_by_label("应用场景").fill(SCENARIO)
    page.get_by_label("授权期限（天，1–1825）").fill("180")
    page.get_by_role("button", name="批准授权").click()
    page.wait_for_url("**/regulator/authorisations?done=granted")
    card = page.locator(".authz-list .card").first
    assert SCENARIO in card.inner_text() and "生效中" in card.inner_text()
    screenshot(page, "regulator-authorisations")

    sign_in(page, BUYER.username, BUYER.password)
    order(page, offer["id"])
    page.wait_for_url(re.compile(r".*/orders/[^/?]+\?done=placed$"))
    assert "加工使用权" in page.locator("dl.facts").first.inner_text()
