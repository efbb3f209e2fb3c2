"""The service-only grant API the catalog calls: status, usage, quotas."""

from __future__ import annotations

from typing import Any

import pytest

from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack

TIERS = [{"up_to": None, "unit_price_fen": 2}]


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def grant_id(market: Market, order: dict[str, Any]) -> str:
    response = market.exchange.get(f"/v1/orders/{order['id']}/grant",
                                   headers=bearer(market.buyer))
    assert response.status_code == 200, response.text
    return str(response.json()["grant_id"])


def report(market: Market, gid: str, report_id: str, dataset_id: str, **counts: int):  # type: ignore[no-untyped-def]
    return market.exchange.post(f"/v1/grants/{gid}/usage", headers=bearer(market.service_token()),
                                json={"report_id": report_id, "dataset_id": dataset_id, **counts})


def test_only_services_read_a_grants_status(market: Market) -> None:
    order = market.paid()
    gid = grant_id(market, order)
    url = f"/v1/grants/{gid}"
    assert market.exchange.get(url).status_code == 401
    assert market.exchange.get(url, headers=bearer(market.buyer)).status_code == 403
    response = market.exchange.get(url, headers=bearer(market.service_token()))
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["order_id"], body["quota"]) == ("active", order["id"], None)
    assert body["max_cache_seconds"] <= 60
    assert market.exchange.get("/v1/grants/grt_nope",
                               headers=bearer(market.service_token())).status_code == 404


def test_metered_usage_counts_against_the_quota(market: Market) -> None:
    offer = market.offer(plan="metered", price_fen=0, unit="call", tiers=TIERS)
    order = market.paid(offer, quantity=10)
    gid = grant_id(market, order)
    [dataset_id] = market.exchange.get(f"/v1/orders/{order['id']}/grant",
                                       headers=bearer(market.buyer)).json()["dataset_ids"]
    first = report(market, gid, "r1", dataset_id, calls=6)
    assert first.status_code == 200
    assert (first.json()["used_calls"], first.json()["quota"]) == (6, 10)
    resent = report(market, gid, "r1", dataset_id, calls=6)
    assert resent.json()["used_calls"] == 6
    assert report(market, gid, "r1", dataset_id, calls=7).status_code == 409
    over = report(market, gid, "r2", dataset_id, calls=5)
    assert over.status_code == 409
    assert over.json()["type"].endswith("quota-exceeded")
    last = report(market, gid, "r3", dataset_id, calls=4)
    assert last.json()["status"] == "exhausted"
    token = market.exchange.get(f"/v1/orders/{order['id']}/grant", headers=bearer(market.buyer))
    assert token.status_code == 409
    assert report(market, gid, "r4", "ds_other", calls=1).status_code == 422
    assert [e["payload"]["used_calls"] for e in market.events("grant.used")] == [6, 10]
    user = market.exchange.post(f"/v1/grants/{gid}/usage", headers=bearer(market.buyer),
                                json={"report_id": "x", "dataset_id": dataset_id})
    assert user.status_code == 403
