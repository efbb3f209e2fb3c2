"""The operator's story in a real browser: the desk shows the three queues, the operator
approves a membership and a listing, rejects an asset with a reason, and records a
buyer's bank deposit typed in 元."""

from __future__ import annotations

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


def _token(live: ServiceProcesses, username: str, password: str) -> str:
    answer = httpx.post(f"{live.url('exchange')}/v1/auth/token", timeout=30, data={
        "grant_type": "password", "username": username, "password": password})
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _submitted(live: ServiceProcesses, provider: str, title: str) -> str:
    catalog = live.url("catalog")
    created = httpx.post(f"{catalog}/v1/datasets", headers=bearer(provider), timeout=30,
                         json=dataset_body(title={"zh": title, "en": "Browser review"}))
    assert created.status_code == 201, created.text
    dataset_id = str(created.json()["id"])
    submitted = httpx.post(f"{catalog}/v1/datasets/{dataset_id}/submit",
                           headers=bearer(provider), timeout=30)
    assert submitted.status_code == 200, submitted.text
    return dataset_id


def fill_the_queues(live: ServiceProcesses) -> dict[str, Any]:
    """One membership application, one listing and one asset registration waiting."""
    exchange = live.url("exchange")
    applied = httpx.post(f"{exchange}/v1/organizations", timeout=30, json={
        "name": "杭州浏览器测试科技有限公司", "credit_code": "91330100716105852F",
        "roles": ["buyer"], "admin": {"username": "browser-applicant",
                                      "password": "a-good-password"}})
    assert applied.status_code == 201, applied.text
    provider = _token(live, PROVIDER.username, PROVIDER.password)
    operator = _token(live, *OPERATOR)
    listing = _submitted(live, provider, "待上架审核的客流数据")
    for_asset = _submitted(live, provider, "用于资产登记的客流数据")
    listed = httpx.post(f"{live.url('catalog')}/v1/datasets/{for_asset}/review", timeout=30,
                        headers=bearer(operator), json={"approve": True})
    assert listed.status_code == 200, listed.text
    asset = httpx.post(f"{exchange}/v1/assets", headers=bearer(provider), timeout=30, json={
        "name": "客流数据资产（待审核）", "dataset_ids": [for_asset], "rights": ["holding"]})
    assert asset.status_code == 201, asset.text
    return {"org": applied.json(), "listing": listing, "asset": asset.json()}


def test_operator_reviews_the_queues_and_records_a_deposit(page: Any,
                                                           live: ServiceProcesses) -> None:
    waiting = fill_the_queues(live)
    sign_in(page, *OPERATOR)
    page.get_by_role("link", name="运营工作台").click()
    page.wait_for_url("**/operator")
    assert page.locator("h1").inner_text() == "运营工作台"
    counts = page.locator(".queue-count").all_inner_texts()
    assert counts == ["1", "1", "1"]
    screenshot(page, "operator-queues")

    page.get_by_role("link", name="杭州浏览器测试科技有限公司").click()
    page.get_by_role("button", name="批准", exact=True).click()
    page.wait_for_url("**/operator?done=memberships.approved")
    assert page.get_by_role("status").inner_text() == "会员申请已批准。"

    page.get_by_role("link", name="待上架审核的客流数据").click()
    page.get_by_role("button", name="批准上架").click()
    page.wait_for_url("**/operator?done=listings.approved")

    page.get_by_role("link", name="客流数据资产（待审核）").click()
    page.get_by_role("button", name="驳回").click()
    assert "驳回必须填写理由" in page.locator("#reason-error").inner_text()
    page.get_by_label("驳回理由").fill("权属证明材料不全，请补充后重新登记")
    page.get_by_role("button", name="驳回").click()
    page.wait_for_url("**/operator?done=assets.rejected")
    assert page.locator(".queue-count").all_inner_texts() == ["0", "0", "0"]

    page.get_by_role("link", name="记录入金").click()
    page.get_by_label("入金单位").select_option(label=f"{BUYER.org_name} · {BUYER.credit_code}")
    page.get_by_label("金额（元）").fill("5,000.50")
    page.get_by_label("银行流水号（选填）").fill("ICBC-20260301-0001")
    page.get_by_role("button", name="记入余额").click()
    page.wait_for_url("**/operator/deposits?*entry=*")
    recorded = page.get_by_role("status")
    assert "入金已记录" in recorded.inner_text() and "¥5,000.50" in recorded.inner_text()

    buyer = _token(live, BUYER.username, BUYER.password)
    account = httpx.get(f"{live.url('exchange')}/v1/accounts/me", headers=bearer(buyer),
                        timeout=30).json()
    assert account["balance_fen"] >= 500050
    applicant = _token(live, "browser-applicant", "a-good-password")
    assert applicant
    operator = _token(live, *OPERATOR)
    asset = httpx.get(f"{live.url('exchange')}/v1/assets/{waiting['asset']['id']}",
                      headers=bearer(operator), timeout=30).json()
    assert asset["status"] == "rejected"
    assert asset["decision_reason"] == "权属证明材料不全，请补充后重新登记"


def test_the_desk_fits_a_phone_and_a_buyer_is_refused(page: Any) -> None:
    sign_in(page, *OPERATOR)
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/operator")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto("/operator/deposits")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="退出").click()
    sign_in(page, BUYER.username, BUYER.password)
    answer = page.goto("/operator")
    assert answer.status == 403
    assert page.get_by_role("alert").inner_text() == "您的账户无权访问此页面。"
