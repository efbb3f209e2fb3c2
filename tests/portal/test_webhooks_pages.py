"""The webhooks page: add one (the secret shown once), list with recent deliveries, send
a test event, remove; errors next to their fields; roles, CSRF, another organisation's."""

from __future__ import annotations

import re
from typing import Any

import pytest

from services.portal.session import CSRF_FIELD
from tests.exchange.trading_helpers import PASSWORD, Market, bearer
from tests.portal.conftest import Portal
from tests.stack import OPERATOR

URL = "https://erp.example.com/hooks/dataex"


@pytest.fixture
def market(portal: Portal) -> Market:
    market = Market(portal.stack)
    market.exchange.app.state.webhooks.stop()  # type: ignore[attr-defined]
    return market


@pytest.fixture
def buyer_portal(portal: Portal, market: Market) -> Portal:
    assert market.buyer
    assert portal.sign_in("buyer", PASSWORD).status_code == 303
    return portal


def post(portal: Portal, path: str, data: dict[str, Any]) -> Any:
    return portal.client.post(path, data={**data, CSRF_FIELD: portal.csrf("/me/webhooks")},
                              follow_redirects=False)


def test_a_buyer_adds_a_webhook_and_sees_its_secret_once(buyer_portal: Portal,
                                                         market: Market) -> None:
    page = buyer_portal.client.get("/me/webhooks")
    assert page.status_code == 200
    assert '<label for="url">' in page.text and 'value="order.paid"' in page.text
    added = post(buyer_portal, "/me/webhooks", {"url": URL, "description": "ERP",
                                                "events": ["order.paid", "order.requested"]})
    assert added.status_code == 201
    secret = re.search(r'id="new-secret" class="secret" readonly value="(whsec_[^"]+)"',
                       added.text)
    assert secret is not None
    again = buyer_portal.client.get("/me/webhooks")
    assert URL in again.text and secret.group(1) not in again.text
    hooks = market.exchange.get("/v1/webhooks", headers=bearer(market.buyer)).json()
    assert [(h["url"], h["events"]) for h in hooks] == [(URL, ["order.paid",
                                                               "order.requested"])]
    assert 'href="/me/webhooks"' in buyer_portal.client.get("/me").text


def test_missing_and_refused_input_is_shown_next_to_its_field(buyer_portal: Portal,
                                                              market: Market) -> None:
    empty = post(buyer_portal, "/me/webhooks", {"url": ""})
    assert empty.status_code == 422
    assert 'id="url-error"' in empty.text and 'id="events-error"' in empty.text
    refused = post(buyer_portal, "/me/webhooks", {"url": "ftp://x.example.com/h",
                                                  "events": ["order.paid"]})
    assert refused.status_code == 422
    assert 'id="url-error"' in refused.text and "http" in refused.text
    assert 'value="ftp://x.example.com/h"' in refused.text  # the form keeps what was typed
    assert market.exchange.get("/v1/webhooks", headers=bearer(market.buyer)).json() == []


def test_test_event_recent_deliveries_and_removal(buyer_portal: Portal, market: Market) -> None:
    hook = market.exchange.post("/v1/webhooks", headers=bearer(market.buyer), json={
        "url": URL, "events": ["order.requested"]}).json()
    market.order()
    tested = post(buyer_portal, f"/me/webhooks/{hook['id']}/test", {})
    assert (tested.status_code, tested.headers["location"]) == (303, "/me/webhooks?done=tested")
    page = buyer_portal.client.get("/me/webhooks?done=tested")
    assert "测试事件已排队" in page.text
    assert page.text.count('class="tag delivery-pending"') == 2
    assert "订单已提交" in page.text and "测试事件" in page.text
    removed = post(buyer_portal, f"/me/webhooks/{hook['id']}/remove", {})
    assert removed.status_code == 303
    assert "尚未添加回调地址" in buyer_portal.client.get("/me/webhooks?done=removed").text


def test_english_page(buyer_portal: Portal) -> None:
    page = buyer_portal.client.get("/me/webhooks?lang=en")
    assert "<h1>Webhooks</h1>" in page.text and "Send test event" not in page.text
    assert "Add webhook" in page.text


def test_roles_csrf_and_other_organisations(portal: Portal, market: Market) -> None:
    hook = market.exchange.post("/v1/webhooks", headers=bearer(market.buyer), json={
        "url": URL, "events": ["order.paid"]}).json()
    anonymous = portal.client.get("/me/webhooks", follow_redirects=False)
    assert anonymous.status_code == 303 and "/signin" in anonymous.headers["location"]
    assert portal.sign_in(*OPERATOR).status_code == 303
    assert portal.client.get("/me/webhooks").status_code == 403
    assert market.other_buyer
    assert portal.sign_in("other-buyer", PASSWORD).status_code == 303
    assert URL not in portal.client.get("/me/webhooks").text
    assert post(portal, f"/me/webhooks/{hook['id']}/remove", {}).status_code == 404
    no_csrf = portal.client.post(f"/me/webhooks/{hook['id']}/test", follow_redirects=False)
    assert no_csrf.status_code == 403
    assert len(market.exchange.get("/v1/webhooks", headers=bearer(market.buyer)).json()) == 1
