"""The regulator's security-event log in a real browser: a wrong password typed in
the sign-in form shows up as a failed sign-in with its source, and the filters work
at a phone's width too."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.e2e.processes import ServiceProcesses

pytestmark = pytest.mark.e2e

REGULATOR = ("regulator", "regulator-demo-2026")  # the demo regulator the seed creates


def test_the_regulator_finds_a_failed_sign_in(page: Any, live: ServiceProcesses) -> None:
    from playwright.sync_api import expect

    page.goto("/signin")
    page.get_by_label("用户名").fill("yuntu")
    page.get_by_label("密码").fill("not-the-password")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("body")).to_contain_text("用户名或密码")
    sign_in(page, *REGULATOR)
    page.goto("/regulator/security-events")
    assert page.locator("h1").inner_text() == "安全事件"
    page.get_by_label("类型").select_option("sign_in.failed")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/regulator/security-events?type=sign_in.failed*")
    rows = page.locator("table.secev-table tbody tr")
    expect(rows.first).to_contain_text("sign_in.failed")
    expect(rows.first).to_contain_text("失败")
    expect(rows.first).to_contain_text("invalid-grant")
    screenshot(page, "security-events")
    page.set_viewport_size({"width": 375, "height": 800})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
