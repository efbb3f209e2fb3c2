"""Valuation over HTTP: the three methods, who may value, refusals, the ledger record."""

from __future__ import annotations

import pytest

from services.shared.canonical import canonical_sha256
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack

COST = {"method": "cost", "inputs": {
    "collection_fen": 1_000_000, "storage_fen": 200_000, "processing_fen": 300_000,
    "labour_fen": 400_000, "indirect_fen": 100_000, "profit_rate_bps": 1500,
    "quality_score": 90}}


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def value(market: Market, asset_id: str, token: str | None, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return market.exchange.post(f"/v1/assets/{asset_id}/valuations", json=body,
                                headers=bearer(token))


def test_cost_method_with_its_report(market: Market) -> None:
    asset = market.registered_asset()
    response = value(market, asset["id"], market.provider, COST)
    assert response.status_code == 201
    body = response.json()
    assert (body["method"], body["value_fen"]) == ("cost", 2_070_000)
    assert body["report"]["inputs"]["quality_score"] == 90
    assert len(body["report"]["steps"]) == 3
    assert body["report_sha256"] == canonical_sha256(body["report"])
    [event] = market.events("asset.valued")
    assert event["payload"] == {"asset_id": asset["id"], "valuation_id": body["id"],
                                "method": "cost", "value_fen": 2_070_000,
                                "report_sha256": body["report_sha256"]}
    listed = market.exchange.get(f"/v1/assets/{asset['id']}/valuations",
                                 headers=bearer(market.regulator)).json()
    assert [v["id"] for v in listed] == [body["id"]]


def test_cost_method_needs_a_quality_score_when_the_catalog_has_none(market: Market) -> None:
    asset = market.registered_asset()
    inputs = {k: v for k, v in COST["inputs"].items() if k != "quality_score"}  # type: ignore[attr-defined]
    response = value(market, asset["id"], market.provider, {"method": "cost", "inputs": inputs})
    assert response.status_code == 422
    assert response.json()["type"].endswith("quality-score-unknown")


def test_income_method(market: Market) -> None:
    asset = market.registered_asset()
    response = value(market, asset["id"], market.operator, {"method": "income", "inputs": {
        "cash_flows_fen": [1_100_000, 1_210_000], "discount_rate_bps": 1000,
        "data_share_bps": 5000}})
    assert response.status_code == 201
    assert response.json()["value_fen"] == 1_000_000


def test_market_method_needs_comparable_trades(market: Market) -> None:
    asset = market.registered_asset()
    too_few = value(market, asset["id"], market.provider,
                    {"method": "market", "inputs": {"quality_score": 80}})
    assert too_few.status_code == 422
    assert too_few.json()["type"].endswith("too-few-comparables")
    assert too_few.json()["found"] == 0
    for price in (40_000, 50_000, 70_000):
        order = market.paid(market.offer(price_fen=price))
        assert market.act(order, "confirm", market.buyer).status_code == 200
    enough = value(market, asset["id"], market.provider,
                   {"method": "market", "inputs": {"quality_score": 80}})
    assert enough.status_code == 201
    assert enough.json()["value_fen"] == 50_000
    assert enough.json()["report"]["inputs"]["comparables"] == 3


def test_who_may_value(market: Market) -> None:
    asset = market.registered_asset()
    assert value(market, asset["id"], None, COST).status_code == 401
    assert value(market, asset["id"], market.buyer, COST).status_code == 403
    assert value(market, asset["id"], market.company, COST).status_code == 403
    pending = market.registered_asset(certify=False)
    assert value(market, pending["id"], market.company, COST).status_code == 404
    assert market.exchange.get(f"/v1/assets/{asset['id']}/valuations",
                               headers=bearer(market.buyer)).status_code == 403


@pytest.mark.parametrize("body", [
    {"method": "guess", "inputs": {}},
    {"method": "cost", "inputs": {"collection_fen": -1}},
    {"method": "income", "inputs": {"cash_flows_fen": [], "discount_rate_bps": 1,
                                    "data_share_bps": 1}},
    {"method": "income", "inputs": {"cash_flows_fen": [1.5], "discount_rate_bps": 1,
                                    "data_share_bps": 1}},
])
def test_bad_inputs_are_422(market: Market, body: dict[str, object]) -> None:
    asset = market.registered_asset()
    assert value(market, asset["id"], market.provider, body).status_code == 422
