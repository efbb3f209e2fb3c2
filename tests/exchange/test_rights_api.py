"""Rights over HTTP (数据二十条): offers say the rights granted, defaulting from the
asset's rights; only grants the asset cannot give are refused, with the rule; orders,
contracts, grants and vouchers show the rights granted."""

from __future__ import annotations

import pytest

from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def post_offer(market: Market, token: str | None, asset: dict[str, object],
               **body: object):  # type: ignore[no-untyped-def]
    return market.exchange.post("/v1/offers", headers=bearer(token), json={
        "asset_id": asset["id"], "plan": "one_time", "price_fen": 1000, "term_days": 30,
        **body})


def test_a_holding_asset_sells_a_use_licence_by_default(market: Market) -> None:
    asset = market.registered_asset(rights=["holding"])
    created = post_offer(market, market.provider, asset)
    assert created.status_code == 201, created.text
    assert created.json()["rights_granted"] == ["processing"]
    [event] = market.events("offer.published")
    assert event["payload"]["rights_granted"] == ["processing"]


def test_an_operation_asset_may_grant_operation_under_either_name(market: Market) -> None:
    asset = market.registered_asset(rights=["operation"])
    both = post_offer(market, market.provider, asset, rights_granted=["operation", "processing"])
    assert both.status_code == 201, both.text
    assert both.json()["rights_granted"] == ["operation", "processing"]
    older = post_offer(market, market.provider, asset, rights=["operation"])
    assert older.json()["rights_granted"] == older.json()["rights"] == ["operation"]


@pytest.mark.parametrize(("claimed", "granted", "says"), [
    (["holding", "processing"], ["holding"], "数据资源持有权"),
    (["holding"], ["operation"], "operation licence"),
    (["processing"], None, "grant no right"),
    (["processing"], ["processing"], "授权他人加工使用"),
])
def test_grants_the_asset_cannot_give_are_refused_with_the_rule(
        market: Market, claimed: list[str], granted: list[str] | None, says: str) -> None:
    asset = market.registered_asset(rights=claimed)
    body = {} if granted is None else {"rights_granted": granted}
    refused = post_offer(market, market.provider, asset, **body)
    assert refused.status_code == 422
    problem = refused.json()
    assert problem["type"].endswith("right-not-grantable")
    assert says in problem["detail"]
    assert market.events("offer.published") == []


def test_bad_input_wrong_role_and_wrong_organisation(market: Market) -> None:
    asset = market.registered_asset()
    assert post_offer(market, market.provider, asset,
                      rights_granted=["ownership"]).status_code == 422
    assert post_offer(market, market.provider, asset, rights_granted=[]).status_code == 422
    assert post_offer(market, market.buyer, asset).status_code == 403
    assert post_offer(market, market.company, asset).status_code == 403
    assert post_offer(market, None, asset).status_code == 401


def test_orders_contracts_grants_and_vouchers_show_the_rights(market: Market) -> None:
    offer = market.offer(rights_granted=["operation", "processing"])
    order = market.paid(offer)
    assert order["rights_granted"] == ["operation", "processing"]
    [requested] = market.events("order.requested")
    assert requested["payload"]["rights_granted"] == ["operation", "processing"]
    contract = market.exchange.get(f"/v1/orders/{order['id']}/contract",
                                   headers=bearer(market.buyer)).json()
    assert contract["document"]["rights_granted"] == ["operation", "processing"]
    grant = market.exchange.get(f"/v1/orders/{order['id']}/grant", headers=bearer(market.buyer))
    assert grant.json()["rights_granted"] == ["operation", "processing"]
    assert market.act(order, "confirm", market.buyer).status_code == 200
    voucher = market.exchange.get(f"/v1/orders/{order['id']}/voucher",
                                  headers=bearer(market.buyer)).json()
    assert voucher["rights_granted"] == ["operation", "processing"]
