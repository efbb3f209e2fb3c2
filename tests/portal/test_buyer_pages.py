"""The buyer's pages in-process: order an offer, the orders list, an order's page with
pay / cancel / confirm / dispute, the download through the grant, the voucher; access
refusals and the CSRF check."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import pytest

from services.portal.session import CSRF_FIELD
from tests.exchange.file_trading import CSV, listed_with_file, wire_grants
from tests.exchange.trading_helpers import PASSWORD, Market, bearer
from tests.portal.conftest import Portal


@dataclass
class Trade:
    """A portal signed in as the buyer, the market behind it, and an offer to buy."""

    portal: Portal
    market: Market
    offer: dict[str, Any]

    def form_value(self, html: str, name: str) -> str:
        """A form field's value in ``html``."""
        match = re.search(rf'name="{name}" value="([^"]*)"', html)
        assert match is not None, f"no field {name}"
        return match.group(1)

    def order(self, **changes: Any) -> Any:
        """Post the order form as drawn, with ``changes``."""
        html = self.portal.client.get(f"/offers/{self.offer['id']}/order").text
        data = {CSRF_FIELD: self.form_value(html, CSRF_FIELD),
                "idempotency_key": self.form_value(html, "idempotency_key"),
                "purpose": "城市交通规划研究", "purpose_category": "commercial",
                "accept_terms": "yes", **changes}
        return self.portal.client.post(f"/offers/{self.offer['id']}/order", data=data,
                                       follow_redirects=False)

    def placed(self) -> str:
        """A new order's id, placed through the form."""
        answer = self.order()
        assert answer.status_code == 303, answer.text
        match = re.match(r"/orders/([^?]+)\?done=placed", answer.headers["location"])
        assert match is not None
        return match.group(1)

    def accept(self, order_id: str) -> None:
        """The provider accepts, through the API."""
        answer = self.market.act({"id": order_id}, "accept", self.market.provider)
        assert answer.status_code == 200, answer.text

    def post(self, path: str, **data: str) -> Any:
        """Post an order page's form with its CSRF token."""
        page = self.portal.client.get(path.rsplit("/", 1)[0]).text
        return self.portal.client.post(path, data={CSRF_FIELD: self.form_value(page, CSRF_FIELD),
                                                   **data}, follow_redirects=False)

    def paid(self) -> str:
        """An order placed, accepted, funded and paid through the pages."""
        order_id = self.placed()
        self.accept(order_id)
        self.market.deposit(self.market.buyer, self.offer["price_fen"])
        page = self.portal.client.get(f"/orders/{order_id}").text
        paid = self.post(f"/orders/{order_id}/pay",
                         idempotency_key=self.form_value(page, "idempotency_key"))
        assert paid.status_code == 303, paid.text
        return order_id


@pytest.fixture
def trade(portal: Portal) -> Trade:
    return open_trade(portal)


def open_trade(portal: Portal) -> Trade:
    """An offer of a listed file, and the portal signed in as its buyer."""
    market = Market(portal.stack)
    wire_grants(portal.stack)
    listed, _ = listed_with_file(market)
    asset = market.exchange.post("/v1/assets", headers=bearer(market.provider), json={
        "name": "公共交通客流数据资产", "dataset_ids": [listed["id"]],
        "rights": ["holding", "processing", "operation"]}).json()
    reviewed = market.exchange.post(f"/v1/assets/{asset['id']}/review",
                                    json={"approve": True}, headers=bearer(market.operator))
    assert reviewed.status_code == 200, reviewed.text
    offer = market.offer(asset=asset, title="客流数据 30 天使用",
                         policy={"purposes": ["commercial", "research"]})
    assert market.buyer
    assert portal.sign_in("buyer", PASSWORD).status_code == 303
    return Trade(portal, market, offer)


def test_order_form_shows_the_terms_and_requires_accepting_them(trade: Trade) -> None:
    page = trade.portal.client.get(f"/offers/{trade.offer['id']}/order")
    assert page.status_code == 200
    html = page.text
    assert "合同条款" in html and "¥500.00" in html and trade.offer["terms_sha256"] in html
    assert '<label for="purpose">使用目的</label>' in html
    assert '<option value="research"' in html and '<option value="government"' not in html
    refused = trade.order(accept_terms="")
    assert refused.status_code == 422
    assert 'id="accept_terms-error"' in refused.text and "请先接受合同条款" in refused.text
    assert "城市交通规划研究" in refused.text  # the form keeps what was typed


def test_the_exchanges_refusal_shows_next_to_the_field(trade: Trade) -> None:
    too_short = trade.order(purpose="x")
    assert too_short.status_code == 422
    assert 'id="purpose-error"' in too_short.text
    not_permitted = trade.order(purpose_category="public_welfare")
    assert not_permitted.status_code == 422
    assert 'id="purpose_category-error"' in not_permitted.text


def test_a_resubmitted_order_form_is_not_ordered_twice(trade: Trade) -> None:
    html = trade.portal.client.get(f"/offers/{trade.offer['id']}/order").text
    data = {CSRF_FIELD: trade.form_value(html, CSRF_FIELD),
            "idempotency_key": trade.form_value(html, "idempotency_key"),
            "purpose": "城市交通规划研究", "purpose_category": "research", "accept_terms": "yes"}
    path = f"/offers/{trade.offer['id']}/order"
    first = trade.portal.client.post(path, data=data, follow_redirects=False)
    second = trade.portal.client.post(path, data=data, follow_redirects=False)
    assert first.headers["location"] == second.headers["location"]
    listing = trade.portal.client.get("/orders").text
    assert listing.count('href="/orders/') == 1


def test_orders_list_shows_states_and_filters(trade: Trade) -> None:
    order_id = trade.placed()
    html = trade.portal.client.get("/orders").text
    assert f'href="/orders/{order_id}"' in html and "待接受" in html and "¥500.00" in html
    none = trade.portal.client.get("/orders", params={"status": "settled"}).text
    assert "暂无订单" in none
    english = trade.portal.client.get("/orders", params={"lang": "en"}).text
    assert "My orders" in english and "Requested" in english


def test_whole_purchase_pay_download_confirm_voucher(trade: Trade) -> None:
    order_id = trade.placed()
    placed = trade.portal.client.get(f"/orders/{order_id}?done=placed").text
    assert "订单已提交" in placed and "合同摘要" in placed and "取消订单" in placed
    trade.accept(order_id)
    unfunded = trade.portal.client.get(f"/orders/{order_id}").text
    assert 'id="balance">¥0.00' in unfunded and "余额不足" in unfunded
    refused = trade.post(f"/orders/{order_id}/pay",
                         idempotency_key=trade.form_value(unfunded, "idempotency_key"))
    assert refused.status_code == 409 and 'role="alert"' in refused.text
    trade.market.deposit(trade.market.buyer, 80_000)
    funded = trade.portal.client.get(f"/orders/{order_id}").text
    assert 'id="balance">¥800.00' in funded
    key = trade.form_value(funded, "idempotency_key")
    paid = trade.post(f"/orders/{order_id}/pay", idempotency_key=key)
    assert paid.status_code == 303 and paid.headers["location"].endswith("done=paid")
    again = trade.post(f"/orders/{order_id}/pay", idempotency_key=key)
    assert again.status_code == 303
    assert trade.market.balances(trade.market.buyer) == (30_000, 50_000)  # charged once
    page = trade.portal.client.get(f"/orders/{order_id}").text
    link = re.search(rf'href="(/orders/{order_id}/files/[^"]+)"', page)
    assert link is not None and "已支付" in page
    content = trade.portal.client.get(link.group(1))
    assert content.status_code == 200 and content.content == CSV
    assert "attachment" in content.headers["content-disposition"]
    assert "已交付" in trade.portal.client.get(f"/orders/{order_id}").text
    confirmed = trade.post(f"/orders/{order_id}/confirm")
    assert confirmed.status_code == 303
    settled = trade.portal.client.get(f"/orders/{order_id}").text
    assert "已结算" in settled and f'href="/orders/{order_id}/voucher"' in settled
    voucher = trade.portal.client.get(f"/orders/{order_id}/voucher").text
    assert "签名有效" in voucher and "verdict-valid" in voucher
    download = trade.portal.client.get(f"/orders/{order_id}/voucher.json")
    assert download.status_code == 200 and "attachment" in download.headers["content-disposition"]
    assert json.loads(download.text)["order_id"] == order_id


def test_an_unpinned_file_is_not_downloaded(trade: Trade) -> None:
    order_id = trade.paid()
    assert trade.portal.client.get(f"/orders/{order_id}/files/ds_x/f_x").status_code == 404


def test_cancel_before_paying(trade: Trade) -> None:
    order_id = trade.placed()
    cancelled = trade.post(f"/orders/{order_id}/cancel")
    assert cancelled.status_code == 303
    page = trade.portal.client.get(cancelled.headers["location"]).text
    assert "订单已取消" in page and "已取消" in page and "取消订单</button>" not in page
    again = trade.portal.client.post(f"/orders/{order_id}/cancel", data={
        CSRF_FIELD: trade.form_value(page, CSRF_FIELD)})
    assert again.status_code == 409 and 'role="alert"' in again.text


def test_dispute_needs_a_statement_then_opens(trade: Trade) -> None:
    order_id = trade.paid()
    empty = trade.post(f"/orders/{order_id}/dispute", statement="")
    assert empty.status_code == 422 and 'id="statement-error"' in empty.text
    opened = trade.post(f"/orders/{order_id}/dispute", statement="数据与合同约定的字段不符")
    assert opened.status_code == 303
    page = trade.portal.client.get(opened.headers["location"]).text
    assert "争议已提交" in page and "争议中" in page


def test_another_buyers_order_is_not_found(trade: Trade) -> None:
    order_id = trade.placed()
    assert trade.market.other_buyer
    trade.portal.client.cookies.clear()
    assert trade.portal.sign_in("other-buyer", PASSWORD).status_code == 303
    page = trade.portal.client.get(f"/orders/{order_id}")
    assert page.status_code == 404 and 'role="alert"' in page.text
    assert trade.portal.client.get(f"/orders/{order_id}/voucher").status_code == 404
    assert order_id not in trade.portal.client.get("/orders").text


def test_a_form_post_without_the_csrf_token_is_refused(trade: Trade) -> None:
    order_id = trade.placed()
    trade.accept(order_id)
    refused = trade.portal.client.post(f"/orders/{order_id}/cancel", data={})
    assert refused.status_code == 403 and "表单已过期" in refused.text
    ordered = trade.portal.client.post(f"/offers/{trade.offer['id']}/order", data={
        "idempotency_key": "portal-abcdefgh", "purpose": "研究", "accept_terms": "yes"})
    assert ordered.status_code == 403
    assert "待支付" in trade.portal.client.get(f"/orders/{order_id}").text


def test_a_provider_gets_403_and_a_visitor_is_sent_to_sign_in(trade: Trade) -> None:
    trade.portal.client.cookies.clear()
    assert trade.portal.client.get("/orders", follow_redirects=False).headers[
        "location"] == "/signin?next=/orders"
    assert trade.portal.sign_in("provider", PASSWORD).status_code == 303
    assert trade.portal.client.get("/orders").status_code == 403
    assert trade.portal.client.get(f"/offers/{trade.offer['id']}/order").status_code == 403


def test_a_metered_offer_asks_for_a_whole_quantity(trade: Trade) -> None:
    trade.offer = trade.market.offer(plan="metered", price_fen=0, unit="call",
                                     tiers=[{"up_to": None, "unit_price_fen": 10}])
    assert '<label for="quantity">' in trade.portal.client.get(
        f"/offers/{trade.offer['id']}/order").text
    refused = trade.order(quantity="1.5")
    assert refused.status_code == 422 and "请填写正整数" in refused.text
    assert trade.order(quantity="100").status_code == 303
