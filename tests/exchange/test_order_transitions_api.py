"""Every move the state table forbids is refused over HTTP with 409 and changes nothing:
each state is reached through the API, then every action the table does not allow from
it is tried by the party that could take it elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest

from services.exchange.market.statuses import OrderState
from services.exchange.orders.model import GRANTED_STATES, TRANSITIONS, OrderAction
from services.shared.orm import utcnow
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack

S = OrderState


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def disputed(market: Market) -> dict[str, Any]:
    order = market.paid()
    response = market.exchange.post("/v1/disputes", headers=bearer(market.buyer),
                                    json={"order_id": order["id"], "reason": "有问题"})
    assert response.status_code == 201, response.text
    return order


def ruled(market: Market, outcome: str) -> dict[str, Any]:
    order = market.paid()
    dispute = market.exchange.post("/v1/disputes", headers=bearer(market.buyer),
                                   json={"order_id": order["id"], "reason": "有问题"}).json()
    market.exchange.post(f"/v1/disputes/{dispute['id']}/answer", headers=bearer(market.provider),
                         json={"statement": "已交付"})
    response = market.exchange.post(f"/v1/disputes/{dispute['id']}/rule",
                                    headers=bearer(market.regulator), json={"outcome": outcome})
    assert response.status_code == 200, response.text
    return order


def expired(market: Market) -> dict[str, Any]:
    order = market.order()
    market.sweep(utcnow() + timedelta(days=4))
    return order


def delivered(market: Market) -> dict[str, Any]:
    order = market.paid()
    assert market.exchange.get(f"/v1/orders/{order['id']}/grant",
                               headers=bearer(market.buyer)).status_code == 200
    return order


def confirmed(market: Market) -> dict[str, Any]:
    order = market.paid()
    assert market.act(order, "confirm", market.buyer).status_code == 200
    return order


def answered(action: str) -> Callable[[Market], dict[str, Any]]:
    def make(market: Market) -> dict[str, Any]:
        order = market.order()
        token = market.provider if action in ("accept", "reject") else market.buyer
        assert market.act(order, action, token).status_code == 200
        return order
    return make


REACH: dict[OrderState, Callable[[Market], dict[str, Any]]] = {
    S.REQUESTED: lambda m: m.order(),
    S.ACCEPTED: lambda m: m.accepted(),
    S.REJECTED: answered("reject"),
    S.CANCELLED: answered("cancel"),
    S.EXPIRED: expired,
    S.PAID: lambda m: m.paid(),
    S.DELIVERED: delivered,
    S.SETTLED: confirmed,
    S.DISPUTED: disputed,
    S.REFUNDED: lambda m: ruled(m, "refund_full"),
}


def attempt(market: Market, order: dict[str, Any], action: OrderAction) -> httpx.Response:
    """Take ``action`` through its endpoint as the party that may take it elsewhere."""
    if action in (OrderAction.ACCEPT, OrderAction.REJECT):
        return market.act(order, action.value, market.provider)
    if action is OrderAction.REFUSE:
        return market.act(order, "compliance", market.regulator, {"approve": False})
    if action is OrderAction.CANCEL or action is OrderAction.CONFIRM:
        return market.act(order, action.value, market.buyer)
    if action is OrderAction.PAY:
        market.deposit(market.buyer, order["amount_fen"])
        return market.pay(order)
    if action is OrderAction.DELIVER:
        return market.exchange.get(f"/v1/orders/{order['id']}/grant",
                                   headers=bearer(market.buyer))
    if action is OrderAction.DISPUTE:
        return market.exchange.post("/v1/disputes", headers=bearer(market.buyer),
                                    json={"order_id": order["id"], "reason": "有问题"})
    raise AssertionError(action)


# The exchange's own moves (expire, auto-settle) and rulings have no order endpoint of
# their own; they are covered by the sweep and dispute tests.
ACTIONS = [a for a in OrderAction if a not in (
    OrderAction.EXPIRE, OrderAction.AUTO_SETTLE, OrderAction.RULE_REFUND_FULL,
    OrderAction.RULE_REFUND_PARTIAL, OrderAction.RULE_REJECT)]


@pytest.mark.parametrize("state", list(REACH))
def test_every_forbidden_move_is_a_conflict(market: Market, state: OrderState) -> None:
    order = REACH[state](market)
    url = f"/v1/orders/{order['id']}"
    before = market.exchange.get(url, headers=bearer(market.buyer)).json()
    assert before["status"] == state.value
    events = len(market.events())
    for action in ACTIONS:
        if state in TRANSITIONS[action].sources:
            continue
        if action is OrderAction.REFUSE:
            continue  # refusing applies to important-grade orders only (409 either way)
        response = attempt(market, order, action)
        # Fetching the grant is also how a buyer renews its token: allowed, but no move.
        expected = 200 if action is OrderAction.DELIVER and state in GRANTED_STATES else 409
        assert response.status_code == expected, (state, action, response.text)
    after = market.exchange.get(url, headers=bearer(market.buyer)).json()
    assert (after["status"], after["history"]) == (before["status"], before["history"])
    assert [e for e in market.events()[events:] if e["type"].startswith("order.")] == []
