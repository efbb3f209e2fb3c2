"""The service-only grant API the catalog calls: status, usage, quotas."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import text

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


def void(market: Market, gid: str, report_id: str, dataset_id: str, *,  # type: ignore[no-untyped-def]
         reason: str = "access not recorded", token: str | None = None):
    return market.exchange.post(f"/v1/grants/{gid}/usage/{report_id}/void",
                                headers=bearer(token or market.service_token()),
                                json={"dataset_id": dataset_id, "reason": reason})


def usage_rows(market: Market, gid: str) -> dict[str, tuple[int, int, bool, str | None]]:
    db = market.exchange.app.state.db  # type: ignore[attr-defined]
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT report_id, calls, rows, voided_at, void_reason "
                                 "FROM access_grant_usage WHERE grant_id = :g"),
                            {"g": gid}).all()
    return {r[0]: (r[1], r[2], r[3] is not None, r[4]) for r in rows}


class TestVoidUsage:
    def metered(self, market: Market, unit: str = "call",
                quantity: int = 10) -> tuple[str, str]:
        offer = market.offer(plan="metered", price_fen=0, unit=unit, tiers=TIERS)
        order = market.paid(offer, quantity=quantity)
        gid = grant_id(market, order)
        [dataset_id] = market.exchange.get(f"/v1/orders/{order['id']}/grant",
                                           headers=bearer(market.buyer)).json()["dataset_ids"]
        return gid, dataset_id

    def test_a_counted_report_is_taken_off_the_grant_once(self, market: Market) -> None:
        gid, dataset_id = self.metered(market, quantity=10)
        assert report(market, gid, "r1", dataset_id, calls=3, rows=40).status_code == 200
        assert report(market, gid, "r2", dataset_id, calls=2, rows=5).status_code == 200
        voided = void(market, gid, "r1", dataset_id)
        assert voided.status_code == 200, voided.text
        body = voided.json()
        assert (body["grant_id"], body["status"]) == (gid, "active")
        assert (body["used_calls"], body["used_rows"]) == (2, 5)
        again = void(market, gid, "r1", dataset_id, reason="another reason")
        assert again.status_code == 200
        assert (again.json()["used_calls"], again.json()["used_rows"]) == (2, 5)
        [event] = market.events("grant.usage_voided")
        payload = event["payload"]
        assert (payload["report_id"], payload["dataset_id"], payload["calls"],
                payload["rows"]) == ("r1", dataset_id, 3, 40)
        assert (payload["used_calls"], payload["used_rows"], payload["quota"]) == (2, 5, 10)
        assert payload["reason"] == "access not recorded"
        used_keys = set(market.events("grant.used")[0]["payload"])
        assert set(payload) == used_keys | {"reason"}
        assert usage_rows(market, gid)["r1"] == (3, 40, True, "access not recorded")
        # the voided report cannot be counted again, even resent as it was
        late = report(market, gid, "r1", dataset_id, calls=3, rows=40)
        assert late.status_code == 409
        assert late.json()["type"].endswith(":usage-report-voided")
        status = market.exchange.get(f"/v1/grants/{gid}", headers=bearer(market.service_token()))
        assert status.json()["used_calls"] == 2

    def test_voiding_frees_quota_of_an_exhausted_grant(self, market: Market) -> None:
        gid, dataset_id = self.metered(market, quantity=2)
        assert report(market, gid, "r1", dataset_id, calls=2).json()["status"] == "exhausted"
        voided = void(market, gid, "r1", dataset_id)
        assert (voided.json()["status"], voided.json()["used_calls"]) == ("active", 0)

    def test_an_unknown_report_leaves_a_tombstone(self, market: Market) -> None:
        gid, dataset_id = self.metered(market, quantity=10)
        assert report(market, gid, "r1", dataset_id, calls=4).status_code == 200
        voided = void(market, gid, "early", dataset_id, reason="usage report unanswered")
        assert voided.status_code == 200, voided.text
        assert voided.json()["used_calls"] == 4
        assert usage_rows(market, gid)["early"] == (0, 0, True, "usage report unanswered")
        [event] = market.events("grant.usage_voided")
        assert (event["payload"]["report_id"], event["payload"]["calls"],
                event["payload"]["rows"], event["payload"]["used_calls"]) == ("early", 0, 0, 4)
        late = report(market, gid, "early", dataset_id, calls=1)
        assert late.status_code == 409
        assert late.headers["content-type"].startswith("application/problem+json")
        assert late.json()["type"].endswith(":usage-report-voided")
        assert void(market, gid, "early", dataset_id).json()["used_calls"] == 4
        assert len(market.events("grant.usage_voided")) == 1
        assert [e["payload"]["report_id"] for e in market.events("grant.used")] == ["r1"]
        status = market.exchange.get(f"/v1/grants/{gid}", headers=bearer(market.service_token()))
        assert status.json()["used_calls"] == 4

    def test_only_services_void_and_bad_requests(self, market: Market) -> None:
        gid, dataset_id = self.metered(market)
        assert report(market, gid, "r1", dataset_id, calls=1).status_code == 200
        url = f"/v1/grants/{gid}/usage/r1/void"
        body = {"dataset_id": dataset_id, "reason": "access not recorded"}
        assert market.exchange.post(url, json=body).status_code == 401
        assert void(market, gid, "r1", dataset_id, token=market.buyer).status_code == 403
        assert void(market, "grt_nope", "r1", dataset_id).status_code == 404
        for bad in ({"dataset_id": dataset_id}, {"reason": "x"},
                    {"dataset_id": dataset_id, "reason": ""},
                    {"dataset_id": dataset_id, "reason": "x" * 201},
                    {"dataset_id": dataset_id, "reason": "ask buyer@example.com"},
                    {"dataset_id": dataset_id, "reason": "x", "calls": 1}):
            refused = market.exchange.post(url, json=bad,
                                           headers=bearer(market.service_token()))
            assert refused.status_code == 422, bad
            assert refused.headers["content-type"].startswith("application/problem+json")
        long_id = void(market, gid, "r" * 65, dataset_id)
        assert long_id.status_code == 422
        # a report for another dataset, or a dataset the grant lacks
        mismatch = void(market, gid, "r1", "ds_other")
        assert mismatch.status_code == 409
        assert mismatch.json()["type"].endswith(":usage-report-mismatch")
        assert void(market, gid, "unseen", "ds_other").status_code == 422
        assert market.events("grant.usage_voided") == []
        status = market.exchange.get(f"/v1/grants/{gid}", headers=bearer(market.service_token()))
        assert status.json()["used_calls"] == 1
