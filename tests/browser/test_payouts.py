"""Money leaves, in a real browser: a provider files its bank account and requests a
payout; the operator marks it paid with the bank's reference; the day's reconciliation
balances, and so does a phone-width look at the provider's page."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import httpx
import pytest

from tests.browser.conftest import create_member, screenshot, sign_in
from tests.e2e.processes import OPERATOR, ServiceProcesses
from tests.exchange.trading_helpers import bearer

pytestmark = pytest.mark.e2e


def _operator_token(live: ServiceProcesses) -> str:
    answer = httpx.post(f"{live.url('exchange')}/v1/auth/token", timeout=30, data={
        "grant_type": "password", "username": OPERATOR[0], "password": OPERATOR[1]})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def test_a_payout_is_requested_paid_and_reconciled(browser: Any, page: Any,
                                                   live: ServiceProcesses) -> None:
    org = create_member(live, roles=["provider"], credit_code="91330100MA27XK1X2E",
                        username="payout-provider", name="杭州提现测试数据有限公司")
    deposited = httpx.post(f"{live.url('exchange')}/v1/accounts/{org['id']}/deposits",
                           headers=bearer(_operator_token(live)), timeout=30,
                           json={"amount_fen": 80_000})
    assert deposited.status_code == 201, deposited.text

    sign_in(page, "payout-provider", "a-good-password")
    page.goto("/provider")
    page.get_by_role("link", name="结算提现").click()
    page.wait_for_url("**/provider/payouts")
    page.get_by_label("户名").fill("杭州提现测试数据有限公司")
    page.get_by_label("开户行").fill("中国建设银行杭州西湖支行")
    page.get_by_label("账号").fill("12")
    page.get_by_role("button", name="保存账户").click()
    assert "8 to 32 digits" in page.locator("#account_number-error").inner_text()
    page.get_by_label("账号").fill("3305 0161 6270 0000 1234")
    page.get_by_role("button", name="保存账户").click()
    page.wait_for_url("**/provider/payouts?done=account")
    page.get_by_label("金额（元）").fill("300.50")
    page.get_by_role("button", name="提交提现申请").click()
    page.wait_for_url("**/provider/payouts?done=requested")
    assert "待处理" in page.locator("table.payouts").inner_text()
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "provider-payouts")

    desk = browser.new_context(base_url=live.url("portal"), locale="zh-CN",
                               viewport={"width": 1280, "height": 900}).new_page()
    sign_in(desk, *OPERATOR)
    desk.goto("/operator/payouts")
    card = desk.locator("article.payout", has_text="杭州提现测试数据有限公司")
    assert "33050161627000001234" in card.inner_text()
    card.get_by_label("银行流水号").fill("CCB-20261206-0042")
    card.get_by_role("button", name="标记已打款").click()
    desk.wait_for_url("**/operator/payouts?done=paid")
    assert desk.get_by_role("status").inner_text() == "已标记为已打款。"

    desk.get_by_role("link", name="日终对账").click()
    today = datetime.now(timezone(timedelta(hours=8))).date().isoformat()
    desk.wait_for_url("**/operator/reconciliation")
    assert desk.locator("#verdict").inner_text().startswith("已平衡")
    table = desk.locator("table.reconciliation").inner_text()
    assert "CCB-20261206-0042" in table and "300.50" in table
    screenshot(desk, "operator-reconciliation")
    desk.goto(f"/operator/reconciliation?date={today}")
    assert desk.locator("#verdict").inner_text().startswith("已平衡")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto("/provider/payouts")
    assert "已打款" in page.locator("table.payouts").inner_text()
    desk.context.close()
