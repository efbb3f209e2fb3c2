"""Revocation in a real browser: the operator looks up a paid order and revokes its
grant with a reason; the buyer's order page then shows the grant revoked with that
reason, and the download link it kept is refused with a message saying why."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_buyer_story import BUYER, PROVIDER, ApiCaller, offer_the_parking_dataset
from tests.e2e.processes import OPERATOR, ServiceProcesses

pytestmark = pytest.mark.e2e

REASON = "买方超出授权用途使用数据"


def paid_order(live: ServiceProcesses) -> str:
    """The demo buyer orders the parking dataset's offer, the provider accepts, the buyer
    pays (all through the API); the order's id."""
    operator, provider, buyer = (ApiCaller(live, *OPERATOR), ApiCaller(live, *PROVIDER),
                                 ApiCaller(live, *BUYER))
    offer_the_parking_dataset(live, provider, operator)
    operator.post(f"/v1/accounts/{buyer.org_id}/deposits", {"amount_fen": 100_000})
    offers = buyer.exchange.get_json("/v1/offers", params={"provider_org_id": provider.org_id})
    offer_id = offers["items"][0]["id"]
    order = buyer.exchange.post_json("/v1/orders", {"offer_id": offer_id,
                                                    "purpose": "城市停车规划研究",
                                                    "purpose_category": "research"},
                                     headers={"Idempotency-Key": "revocation-order"})
    provider.post(f"/v1/orders/{order['id']}/accept")
    buyer.exchange.post_json(f"/v1/orders/{order['id']}/pay", None,
                             headers={"Idempotency-Key": "revocation-pay"})
    return str(order["id"])


def test_operator_revokes_and_the_buyer_is_refused_with_the_reason(
        page: Any, live: ServiceProcesses) -> None:
    order_id = paid_order(live)

    sign_in(page, *BUYER)
    page.goto(f"/orders/{order_id}")
    kept_link = page.get_by_role("link", name=re.compile("^下载")).first.get_attribute("href")
    assert kept_link and kept_link.startswith(f"/orders/{order_id}/files/")

    sign_in(page, *OPERATOR)
    page.goto("/operator")
    page.get_by_role("link", name="订单授权").click()
    page.get_by_label("订单号").fill(order_id)
    page.get_by_role("button", name="查询").click()
    assert page.locator("#grant-status").inner_text() == "有效"
    page.get_by_role("button", name="撤销授权").click()          # no reason yet
    assert page.locator("#reason-error").inner_text() == "请填写原因。"
    assert page.locator("#grant-status").inner_text() == "有效"
    page.get_by_label("撤销原因").fill(REASON)
    page.get_by_role("button", name="撤销授权").click()
    page.wait_for_url(f"**/operator/orders?order={order_id}")
    assert page.locator("#grant-status").inner_text() == "已撤销"
    assert page.locator("#revoke-reason").inner_text() == REASON

    sign_in(page, *BUYER)
    page.goto(f"/orders/{order_id}")
    revoked = page.locator("#grant-revoked")
    assert "本订单的访问授权已被撤销" in revoked.inner_text()
    assert page.locator("#revoke-reason").inner_text() == REASON
    assert page.get_by_role("link", name=re.compile("^下载")).count() == 0
    refused = page.goto(kept_link)
    assert refused is not None and refused.status == 409
    assert REASON in page.locator("main").inner_text()

    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/orders/{order_id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
