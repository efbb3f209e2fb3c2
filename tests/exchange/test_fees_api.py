"""The exchange fee over HTTP: operators set it from a date, settlements use the fee
in effect, the ledger records each change; bad input and other roles change nothing."""

from __future__ import annotations

from datetime import date, timedelta

import httpx
import pytest

from tests.exchange.payout_helpers import today
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def set_fee(market: Market, fee_bps: object, day: str, token: str | None = None) -> httpx.Response:
    return market.exchange.post("/v1/fees", json={"fee_bps": fee_bps, "effective_date": day},
                                headers=bearer(token or market.operator))


def test_settlements_use_the_fee_in_effect(market: Market) -> None:
    offer = market.offer(price_fen=10_000)
    before = market.paid(offer)
    assert market.act(before, "confirm", market.buyer).json()["fee_fen"] == 300   # default 3 %
    made = set_fee(market, 150, today())
    assert made.status_code == 201, made.text
    tomorrow = (date.fromisoformat(today()) + timedelta(days=1)).isoformat()
    assert set_fee(market, 900, tomorrow).status_code == 201                       # not yet
    after = market.paid(offer)
    settled = market.act(after, "confirm", market.buyer).json()
    assert (settled["fee_fen"], settled["provider_net_fen"]) == (150, 9_850)
    fees = market.exchange.get("/v1/fees", headers=bearer(market.provider)).json()
    assert (fees["current_bps"], fees["default_bps"]) == (150, 300)
    assert [f["fee_bps"] for f in fees["schedule"]] == [900, 150]
    [first, second] = market.events("fee.set")
    assert first["payload"]["previous_bps"] == 300 and first["payload"]["fee_bps"] == 150
    assert second["payload"]["effective_date"] == tomorrow
    [event] = [e for e in market.events("order.settled")
               if e["payload"]["order_id"] == after["id"]]
    assert event["payload"]["fee_bps"] == 150


@pytest.mark.parametrize("fee_bps,day", [(-1, None), (10_001, None), (2.5, None), ("300", None),
                                         (300, "2020-01-01"), (300, "not-a-date")])
def test_bad_fees_are_422_and_change_nothing(market: Market, fee_bps: object,
                                             day: str | None) -> None:
    response = set_fee(market, fee_bps, day or today())
    assert response.status_code == 422, response.text
    assert market.events("fee.set") == []


def test_only_operators_set_the_fee(market: Market) -> None:
    for token in (market.provider, market.buyer, market.regulator):
        assert set_fee(market, 100, today(), token).status_code == 403
    assert market.exchange.post("/v1/fees", json={"fee_bps": 1,
                                                  "effective_date": today()}).status_code == 401
    assert market.events("fee.set") == []
