"""Demands over HTTP: posting, who sees what, and ranked matches with reasons."""

from __future__ import annotations

import pytest

from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def post(market: Market, token: str | None, **body: object):  # type: ignore[no-untyped-def]
    payload = {"title": "需要公交客流数据", "description": "用于地铁线网规划研究",
               "themes": ["transport"], "budget_fen": 60_000, **body}
    return market.exchange.post("/v1/demands", json=payload, headers=bearer(token))


def test_buyers_post_demands_and_providers_see_open_ones(market: Market) -> None:
    assert post(market, None).status_code == 401
    assert post(market, market.provider).status_code == 403
    created = post(market, market.buyer)
    assert created.status_code == 201
    demand = created.json()
    url = f"/v1/demands/{demand['id']}"
    assert market.exchange.get(url, headers=bearer(market.provider)).status_code == 200
    assert market.exchange.get(url, headers=bearer(market.other_buyer)).status_code == 404
    open_list = market.exchange.get("/v1/demands?scope=open", headers=bearer(market.provider))
    assert [d["id"] for d in open_list.json()] == [demand["id"]]
    assert market.exchange.get("/v1/demands?scope=open",
                               headers=bearer(market.buyer)).status_code == 403
    assert market.exchange.post(f"{url}/close",
                                headers=bearer(market.other_buyer)).status_code == 404
    assert market.exchange.post(f"{url}/close", headers=bearer(market.buyer)).status_code == 200
    assert market.exchange.post(f"{url}/close", headers=bearer(market.buyer)).status_code == 409
    assert market.exchange.get(url, headers=bearer(market.provider)).status_code == 404
    assert [e["type"] for e in market.events("demand.")] == ["demand.posted", "demand.closed"]


def test_matches_are_ranked_and_explained(market: Market) -> None:
    good = market.offer(title="公交客流数据", price_fen=50_000)
    pricey = market.offer(title="公交客流数据（高级版）", price_fen=120_000)
    market.offer(market.company, asset=market.registered_asset(
        market.company, themes=["environment"], title={"zh": "空气质量监测"},
        keywords=["空气"]), title="空气质量监测", price_fen=100)
    demand = post(market, market.buyer).json()
    url = f"/v1/demands/{demand['id']}/matches"
    assert market.exchange.get(url, headers=bearer(market.provider)).status_code == 403
    matches = market.exchange.get(url, headers=bearer(market.buyer)).json()
    assert [m["offer"]["id"] for m in matches] == [good["id"], pricey["id"]]
    assert matches[0]["score_bps"] > matches[1]["score_bps"]
    assert any("within the budget" in r for r in matches[0]["reasons"])
    assert any("over budget" in r for r in matches[1]["reasons"])
    assert any("themes in common: transport" in r for r in matches[0]["reasons"])
