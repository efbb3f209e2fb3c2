"""The buyer's story in a real browser: a provider (through the API) offers a demo
dataset; the demo buyer orders it from the dataset page accepting the terms, the
provider accepts (through the API), the buyer pays with the balance shown, downloads the
file through the grant, confirms receipt and sees the voucher verified."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from services.clients import ApiConnection, BearerToken, CatalogClient, ExchangeClient
from services.shared.settings import AUDIENCES
from tests.browser.conftest import screenshot, sign_in
from tests.e2e.processes import OPERATOR, ServiceProcesses

pytestmark = pytest.mark.e2e

PROVIDER = ("hz-data", "provider-demo-2026")
BUYER = ("yuntu", "buyer-demo-2026")


class ApiCaller:
    """One member calling the exchange over HTTP with its own token."""

    def __init__(self, live: ServiceProcesses, username: str, password: str) -> None:
        exchange = ExchangeClient.connect(live.url("exchange"), timeout=30)
        token = exchange.password_token(username, password).access_token
        self.exchange = ApiConnection(live.url("exchange"), service="the exchange",
                                      audience=AUDIENCES["exchange"], timeout=30,
                                      credentials=BearerToken(token))
        self.org_id = str(self.exchange.get_json("/v1/me")["organization"]["id"])

    def post(self, path: str, body: Any = None) -> dict[str, Any]:
        """POST a JSON body; the JSON answer."""
        return dict(self.exchange.post_json(path, body))


def offer_the_parking_dataset(live: ServiceProcesses, provider: ApiCaller,
                              operator: ApiCaller) -> str:
    """The provider registers the demo parking dataset as an asset (certified by the
    operator) and offers it for 500 yuan; the dataset's id."""
    catalog = CatalogClient.connect(live.url("catalog"), timeout=30)
    dataset_id = str(catalog.search({"q": "停车场"})["items"][0]["id"])
    asset = provider.post("/v1/assets", {"name": "公共停车泊位数据资产",
                                         "dataset_ids": [dataset_id],
                                         "rights": ["holding", "processing", "operation"]})
    operator.post(f"/v1/assets/{asset['id']}/review", {"approve": True})
    provider.post("/v1/offers", {"asset_id": asset["id"], "plan": "one_time",
                                 "price_fen": 50_000, "term_days": 30,
                                 "title": "停车泊位数据 30 天使用",
                                 "policy": {"purposes": ["commercial", "research"]}})
    return dataset_id


def test_buyer_orders_pays_downloads_confirms_and_verifies(page: Any, live: ServiceProcesses,
                                                           tmp_path: Path) -> None:
    operator = ApiCaller(live, *OPERATOR)
    provider = ApiCaller(live, *PROVIDER)
    dataset_id = offer_the_parking_dataset(live, provider, operator)
    buyer_org = ApiCaller(live, *BUYER).org_id
    operator.post(f"/v1/accounts/{buyer_org}/deposits", {"amount_fen": 100_000})

    sign_in(page, *BUYER)
    page.goto(f"/datasets/{dataset_id}")
    page.get_by_role("link", name="订购").first.click()
    page.wait_for_url("**/offers/*/order")
    assert page.get_by_role("heading", name="合同条款").is_visible()
    page.get_by_label("使用目的").fill("城市停车规划研究")
    page.get_by_label("用途类别").select_option("research")
    page.get_by_role("button", name="提交订单").click()
    assert page.locator("#accept_terms-error").is_visible()  # the terms must be accepted
    page.get_by_label("我已阅读并接受上述合同条款").check()
    page.get_by_role("button", name="提交订单").click()
    page.wait_for_url(re.compile(r".*/orders/[^/?]+\?done=placed$"))
    order_id = page.url.split("/orders/")[1].split("?")[0]
    assert page.get_by_role("status").inner_text() == "订单已提交，等待提供方接受。"

    provider.post(f"/v1/orders/{order_id}/accept")
    page.goto("/orders")
    assert page.get_by_role("row").filter(has_text=order_id).get_by_text("待支付").is_visible()
    page.get_by_role("link", name=order_id).click()
    assert page.locator("#balance").inner_text() == "¥1,000.00"
    page.get_by_role("button", name="确认支付 ¥500.00").click()
    page.wait_for_url("**done=paid")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("^下载")).first.click()
    saved = tmp_path / "parking.csv"
    download_info.value.save_as(saved)
    assert saved.read_text(encoding="utf-8").startswith("parking_code,")

    page.reload()
    assert page.get_by_text("已交付").first.is_visible()
    page.get_by_role("button", name="确认收货").click()
    page.wait_for_url("**done=settled")
    assert page.get_by_role("heading", name="订单进度").is_visible()
    screenshot(page, "buyer-order")

    page.get_by_role("link", name="查看并验证凭证").click()
    page.wait_for_url(f"**/orders/{order_id}/voucher")
    verdict = page.get_by_role("region", name="验证结果").get_by_role("status")
    assert "签名有效" in verdict.inner_text()
    with page.expect_download() as voucher_info:
        page.get_by_role("link", name="下载凭证（JSON）").click()
    kept = tmp_path / "voucher.json"
    voucher_info.value.save_as(kept)
    assert json.loads(kept.read_text(encoding="utf-8"))["order_id"] == order_id

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/orders/{order_id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
