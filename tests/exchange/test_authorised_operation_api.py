"""公共数据授权运营 over HTTP: not-open data is never public, is ordered only by the
operator organisation a regulator authorised for a scenario within its term, and the
authorisation is revocable."""

from __future__ import annotations

from typing import Any

import pytest

from tests.exchange.file_trading import listed_with_file, wire_grants
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack

SCENARIO = "城市交通信号优化：按路口汇总的客流用于配时"


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def not_open_asset(market: Market) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """A listed not-open dataset with a file, its registered asset, and an offer."""
    dataset, uploaded = listed_with_file(market, open_type="not_open")
    registered = market.exchange.post("/v1/assets", headers=bearer(market.provider), json={
        "name": "不予开放的客流数据", "dataset_ids": [dataset["id"]], "rights": ["holding"]})
    assert registered.status_code == 201, registered.text
    asset = market.exchange.post(f"/v1/assets/{registered.json()['id']}/review",
                                 json={"approve": True}, headers=bearer(market.operator)).json()
    assert asset["open_type"] == "not_open"
    return dataset, uploaded, market.offer(asset=asset)


def authorise(market: Market, token: str | None, **body: Any):  # type: ignore[no-untyped-def]
    return market.exchange.post("/v1/authorisations", headers=bearer(token), json=body)


def test_not_open_data_is_never_public_in_the_catalog(market: Market) -> None:
    dataset, uploaded, _ = not_open_asset(market)
    catalog = market.stack.catalog
    base = f"/v1/datasets/{dataset['id']}"
    file_base = f"{base}/files/{uploaded['id']}"
    for who in (None, market.buyer):
        headers = bearer(who)
        assert catalog.get(base, headers=headers).status_code == 404
        for path in ("/quality", "/sample"):
            assert catalog.get(file_base + path, headers=headers).status_code == 404
        assert catalog.get(f"{base}/dcat.jsonld", headers=headers).status_code == 404
        assert catalog.get(file_base + "/content", headers=headers).status_code in (401, 404)
        found = catalog.get("/v1/datasets", params={"open_type": "not_open"}, headers=headers)
        assert found.json()["items"] == []
        assert dataset["id"] not in {d["id"] for d in catalog.get(
            "/v1/datasets", headers=headers).json()["items"]}
    harvest = catalog.get("/v1/dcat/catalog.jsonld").text
    assert dataset["id"] not in harvest
    # its publisher, operators and regulators still see it
    for who in (market.provider, market.operator, market.regulator):
        assert catalog.get(base, headers=bearer(who)).status_code == 200
    assert catalog.get("/v1/datasets", params={"mine": "true"}, headers=bearer(
        market.provider)).json()["items"][0]["id"] == dataset["id"]


def test_only_the_authorised_organisation_orders_and_then_downloads(market: Market) -> None:
    wire_grants(market.stack)
    dataset, uploaded, offer = not_open_asset(market)
    refused = market.place(offer)
    assert refused.status_code == 403
    assert refused.json()["type"].endswith("authorised-operation-only")
    assert "公共数据授权运营" in refused.json()["detail"]
    made = authorise(market, market.regulator, asset_id=offer["asset_id"],
                     operator_org_id=market.org(market.buyer), scenario=SCENARIO, term_days=365)
    assert made.status_code == 201, made.text
    authorisation = made.json()
    assert authorisation["in_force"] and authorisation["scenario"] == SCENARIO
    [event] = market.events("authorisation.granted")
    assert SCENARIO not in str(event) and event["payload"]["scenario_sha256"]
    # another organisation is still refused, with the rule
    other = market.place(offer, market.other_buyer)
    assert other.status_code == 403 and "holds no authorisation" in other.json()["detail"]
    order = market.paid(offer)
    grant = market.exchange.get(f"/v1/orders/{order['id']}/grant",
                                headers=bearer(market.buyer)).json()
    content = f"/v1/datasets/{dataset['id']}/files/{uploaded['id']}/content"
    served = market.stack.catalog.get(content, headers=bearer(grant["token"]))
    assert served.status_code == 200
    # the organisations named see the authorisation; others do not
    mine = market.exchange.get("/v1/authorisations", headers=bearer(market.buyer)).json()
    assert [a["id"] for a in mine] == [authorisation["id"]]
    holder = market.exchange.get("/v1/authorisations", headers=bearer(market.provider)).json()
    assert [a["id"] for a in holder] == [authorisation["id"]]
    assert market.exchange.get("/v1/authorisations",
                               headers=bearer(market.other_buyer)).json() == []
    assert market.exchange.get(f"/v1/authorisations/{authorisation['id']}",
                               headers=bearer(market.other_buyer)).status_code == 404


def test_revocation_stops_new_orders(market: Market) -> None:
    _, _, offer = not_open_asset(market)
    made = authorise(market, market.regulator, asset_id=offer["asset_id"],
                     operator_org_id=market.org(market.buyer), scenario=SCENARIO, term_days=30)
    url = f"/v1/authorisations/{made.json()['id']}/revoke"
    assert market.exchange.post(url, json={"reason": "场景已结束"},
                                headers=bearer(market.operator)).status_code == 403
    assert market.exchange.post(url, json={}, headers=bearer(market.regulator)
                                ).status_code == 422
    revoked = market.exchange.post(url, json={"reason": "场景已结束"},
                                   headers=bearer(market.regulator))
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked" and not revoked.json()["in_force"]
    again = market.exchange.post(url, json={"reason": "again"}, headers=bearer(market.regulator))
    assert again.status_code == 409
    refused = market.place(offer)
    assert refused.status_code == 403 and "revoked or outside its term" in refused.json()["detail"]
    [event] = market.events("authorisation.revoked")
    assert event["payload"]["reason_sha256"]


def test_who_may_authorise_what(market: Market) -> None:
    _, _, offer = not_open_asset(market)
    body = {"asset_id": offer["asset_id"], "operator_org_id": market.org(market.buyer),
            "scenario": SCENARIO, "term_days": 365}
    assert authorise(market, None, **body).status_code == 401
    for token in (market.buyer, market.provider, market.operator):
        assert authorise(market, token, **body).status_code == 403
    conditional = market.offer()
    for change, status, slug in [
        ({"asset_id": conditional["asset_id"]}, 422, "not-authorised-operation-data"),
        ({"asset_id": "ast_missing"}, 422, "unknown-asset"),
        ({"operator_org_id": "org_missing"}, 422, "unknown-organisation"),
        ({"operator_org_id": market.org(market.provider)}, 422, "operator-is-owner"),
        ({"term_days": 0}, 422, ""),
        ({"scenario": ""}, 422, ""),
    ]:
        answer = authorise(market, market.regulator, **(body | change))
        assert answer.status_code == status, (change, answer.text)
        assert answer.json()["type"].endswith(slug)
    assert market.events("authorisation.") == []


def test_conditional_data_needs_no_authorisation(market: Market) -> None:
    assert market.place(market.offer()).status_code == 201


def test_offers_over_not_open_data_are_not_public(market: Market) -> None:
    _, _, offer = not_open_asset(market)
    public = market.offer()

    def found(token: str | None) -> set[str]:
        items = market.exchange.get("/v1/offers", headers=bearer(token)).json()["items"]
        return {o["id"] for o in items}

    assert found(None) == found(market.buyer) == {public["id"]}
    assert offer["id"] in found(market.provider) and offer["id"] in found(market.regulator)
    assert market.exchange.get(f"/v1/offers/{offer['id']}").status_code == 404
    assert market.exchange.get(f"/v1/offers/{offer['id']}",
                               headers=bearer(market.buyer)).status_code == 200
    authorise(market, market.regulator, asset_id=offer["asset_id"],
              operator_org_id=market.org(market.buyer), scenario=SCENARIO, term_days=30)
    assert offer["id"] in found(market.buyer)
    assert offer["id"] not in found(market.other_buyer)
    withdrawn = market.exchange.post(f"/v1/offers/{offer['id']}/withdraw",
                                     headers=bearer(market.provider))
    assert withdrawn.status_code == 200
