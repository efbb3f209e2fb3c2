"""The public story in a real browser: home → search → dataset with its quality chart →
download; the membership form's check-character error; a phone-sized screen."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import create_member, screenshot, sign_in
from tests.e2e.processes import ServiceProcesses

pytestmark = pytest.mark.e2e


def test_home_search_dataset_chart_and_download(page: Any, tmp_path: Path) -> None:
    page.goto("/")
    assert page.locator("h1").inner_text() == "公共数据开放与交易"
    screenshot(page, "home")
    page.get_by_label("搜索数据集").fill("客流")
    page.get_by_label("搜索数据集").press("Enter")
    page.wait_for_url("**/search?q=*")
    page.get_by_role("link", name="杭州市公共交通客流量").click()
    page.wait_for_url("**/datasets/*")
    chart = page.get_by_role("img", name="六个质量维度得分（满分100）")
    assert chart.is_visible()
    assert page.locator("svg polygon").count() >= 6
    assert page.get_by_role("heading", name="样例数据（已脱敏）").is_visible()
    screenshot(page, "dataset")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="下载").first.click()
    saved = tmp_path / "ridership.csv"
    download_info.value.save_as(saved)
    assert saved.read_text(encoding="utf-8").startswith("service_date,")


def test_english_toggle_is_remembered(page: Any) -> None:
    page.goto("/")
    page.get_by_role("link", name="English").click()
    assert page.locator("h1").inner_text() == "Public data, open and traded"
    page.goto("/search")
    assert page.locator("h1").inner_text() == "Data catalog"


def test_join_form_shows_the_check_character_error_at_phone_width(page: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/join")
    page.get_by_label("单位名称").fill("杭州某科技有限公司")
    page.get_by_label("统一社会信用代码").fill("91330100716105852G")
    page.get_by_label("数据需求方").check()
    page.get_by_label("管理员用户名").fill("browser-admin")
    page.get_by_label("管理员密码").fill("a-long-password")
    page.get_by_role("button", name="提交申请").click()
    error = page.locator("#credit_code-error")
    assert error.is_visible() and "check character" in error.inner_text()
    assert page.get_by_label("统一社会信用代码").get_attribute("aria-invalid") == "true"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_member_signs_in_sees_the_balance_and_signs_out(page: Any,
                                                          live: ServiceProcesses) -> None:
    create_member(live, roles=["buyer"], credit_code="91330100716105852F",
                  username="browser-buyer")
    sign_in(page, "browser-buyer", "a-good-password")
    assert page.get_by_text("¥0.00").first.is_visible()
    page.get_by_role("button", name="退出").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    assert page.get_by_role("link", name="登录").is_visible()
