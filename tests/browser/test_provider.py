"""The provider's story in a real browser: a draft created, a CSV uploaded with the
progress bar and its quality report shown, submitted; once the operator lists it (by
the API here) an asset registered and, once certified, offered; an order placed by the
API accepted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.browser.conftest import create_member, screenshot, sign_in
from tests.e2e.processes import OPERATOR, ServiceProcesses

pytestmark = pytest.mark.e2e

CSV = ("station_id,line,riders\n"
       + "".join(f"S{n:03d},{n % 5 + 1},{100 + n * 7}\n" for n in range(2000)))


def _token(live: ServiceProcesses, username: str, password: str) -> str:
    answer = httpx.post(f"{live.url('exchange')}/v1/auth/token", data={
        "grant_type": "password", "username": username, "password": password}, timeout=30)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _as(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# Records, across the navigation the upload ends with, that the progress bar was shown
# and how far it got.
WATCH_PROGRESS = """() => {
  const bar = document.getElementById('upload-bar');
  const box = document.getElementById('upload-progress');
  new MutationObserver(() => {
    if (!box.hidden) sessionStorage.setItem('progressShown', '1');
  }).observe(box, {attributes: true});
  const form = document.getElementById('upload-form');
  form.addEventListener('submit', () => {
    const timer = setInterval(() => sessionStorage.setItem('progressMax', String(bar.value)), 5);
    window.addEventListener('pagehide', () => clearInterval(timer));
  });
}"""


def test_provider_lists_uploads_registers_offers_and_accepts(
        page: Any, live: ServiceProcesses, tmp_path: Path) -> None:
    create_member(live, roles=["provider"], credit_code="91330100716105852F",
                  username="browser-provider", name="云图数据科技有限公司")
    sign_in(page, "browser-provider", "a-good-password")
    page.get_by_role("link", name="提供方控制台").click()
    page.get_by_role("link", name="新建数据集").click()
    page.get_by_label("中文标题").fill("杭州市地铁站点客流")
    page.get_by_label("英文标题（可选）").fill("Hangzhou metro station ridership")
    page.get_by_label("中文说明").fill("各地铁站每日进出站人次。")
    page.get_by_label("关键词").fill("地铁，客流")
    page.get_by_label("交通出行").check()
    page.get_by_label("字段声明").fill(
        "station_id, string, required, 站点编号\nline, integer\nriders, integer, required")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/provider/datasets/*")
    assert page.get_by_text("草稿").first.is_visible()
    dataset_id = page.url.rsplit("/", 1)[1]

    csv = tmp_path / "riders.csv"
    csv.write_text(CSV, encoding="utf-8")
    page.get_by_label("数据文件（CSV 或 JSON Lines）").set_input_files(str(csv))
    page.evaluate(WATCH_PROGRESS)
    page.get_by_role("button", name="上传", exact=True).click()
    page.wait_for_url("**/files/*")
    assert page.evaluate("sessionStorage.getItem('progressShown')") == "1"
    assert page.get_by_role("heading", name="文件质量报告").is_visible()
    assert page.get_by_role("img", name="六个质量维度得分（满分100）").is_visible()
    screenshot(page, "provider-upload")
    page.get_by_role("button", name="提交审核").click()
    page.wait_for_url(f"**/provider/datasets/{dataset_id}")
    assert page.get_by_text("待审核").first.is_visible()

    operator = _token(live, *OPERATOR)
    listed = httpx.post(f"{live.url('catalog')}/v1/datasets/{dataset_id}/review",
                        json={"approve": True}, headers=_as(operator), timeout=30)
    assert listed.status_code == 200, listed.text
    page.reload()
    page.get_by_role("button", name="申请登记").click()
    page.wait_for_url("**/provider/assets/*")
    asset_id = page.url.rsplit("/", 1)[1]
    approved = httpx.post(f"{live.url('exchange')}/v1/assets/{asset_id}/review",
                          json={"approve": True}, headers=_as(operator), timeout=30)
    assert approved.status_code == 200, approved.text
    page.reload()
    page.get_by_label("报价标题").fill("地铁站点客流年度授权")
    page.get_by_label("价格（元）").fill("1200.50")
    page.get_by_role("button", name="发布", exact=True).click()
    page.wait_for_url("**#offers")
    assert page.get_by_text("¥1,200.50").first.is_visible()

    create_member(live, roles=["buyer"], credit_code="91110108551385082Q",
                  username="browser-buyer-p")
    offers = httpx.get(f"{live.url('exchange')}/v1/offers", params={"asset_id": asset_id},
                       timeout=30).json()["items"]
    placed = httpx.post(f"{live.url('exchange')}/v1/orders", json={
        "offer_id": offers[0]["id"], "purpose": "交通规划研究"},
        headers={**_as(_token(live, "browser-buyer-p", "a-good-password")),
                 "Idempotency-Key": "browser-provider-order"}, timeout=30)
    assert placed.status_code == 201, placed.text
    page.goto("/provider")
    assert page.get_by_text("交通规划研究").is_visible()
    page.get_by_role("button", name="接受订单").click()
    page.wait_for_url("**/provider#orders")
    assert page.get_by_text("已接受").first.is_visible()


def test_the_console_fits_a_phone(page: Any, live: ServiceProcesses) -> None:
    create_member(live, roles=["provider"], credit_code="914403001922038216",
                  username="phone-provider")
    sign_in(page, "phone-provider", "a-good-password")
    page.set_viewport_size({"width": 375, "height": 800})
    for path in ("/provider", "/provider/datasets/new"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
