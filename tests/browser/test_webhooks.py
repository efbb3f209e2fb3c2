"""A member's webhooks in a real browser, against real processes: add one pointing at a
receiver on a loopback port (the secret is shown once), send a test event, watch it
arrive signed and shown as delivered, then remove the webhook; the page at 375px."""

from __future__ import annotations

import re
import time

import pytest

from services.cli.demo import DEMO_ACCOUNTS
from tests.browser.conftest import screenshot, sign_in
from tests.e2e.processes import ServiceProcesses
from tests.exchange.webhook_receiver import Receiver

pytestmark = pytest.mark.e2e

BUYER = next(a for a in DEMO_ACCOUNTS if "buyer" in a.roles)


def test_a_buyer_adds_tests_and_removes_a_webhook(page: object,
                                                  live: ServiceProcesses) -> None:
    from playwright.sync_api import Page, expect

    assert isinstance(page, Page)
    receiver = Receiver().up()
    try:
        sign_in(page, BUYER.username, BUYER.password)
        page.get_by_role("link", name="管理通知回调（Webhook）").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("通知回调（Webhook）")

        page.get_by_role("button", name="添加").click()  # nothing filled in
        expect(page.locator("#url-error")).to_have_text("请填写接收地址。")
        expect(page.locator("#events-error")).to_have_text("请至少选择一种事件。")

        page.get_by_label("接收地址（URL）").fill(receiver.url)
        page.get_by_label("说明（可选）").fill("浏览器测试接收端")
        page.get_by_label(re.compile("订单已付款")).check()
        page.get_by_role("button", name="添加").click()
        secret = page.get_by_label("签名密钥").input_value()
        assert secret.startswith("whsec_")
        receiver.secret = secret
        screenshot(page, "webhooks-added")

        page.get_by_role("button", name="发送测试事件").click()
        expect(page.get_by_role("status")).to_contain_text("测试事件已排队")
        deadline = time.monotonic() + 30
        while not receiver.events and time.monotonic() < deadline:
            time.sleep(0.2)
        assert receiver.types() == ["webhook.test"] and receiver.refused == 0
        page.reload()
        expect(page.locator(".tag.delivery-delivered")).to_have_text("已送达")
        expect(page.get_by_text(next(iter(receiver.events)))).to_be_visible()
        assert page.get_by_label("签名密钥").count() == 0  # shown once only

        page.set_viewport_size({"width": 375, "height": 800})
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 375, f"the page is {width}px wide at 375px"
        screenshot(page, "webhooks-375")
        page.set_viewport_size({"width": 1280, "height": 900})

        page.get_by_role("button", name="删除").click()
        expect(page.get_by_role("status")).to_contain_text("已删除回调地址")
        expect(page.get_by_text("尚未添加回调地址。")).to_be_visible()
    finally:
        receiver.down()
