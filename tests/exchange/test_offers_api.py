"""Offers over HTTP: who may offer, price plans, ODRL policies, caps, search, withdrawal;
and conditional free use of public data."""

from __future__ import annotations

import pytest

from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack

TIERS = [{"up_to": 1000, "unit_price_fen": 10}, {"up_to": None, "unit_price_fen": 6}]


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def post_offer(market: Market, token: str | None, body: dict[str, object]):  # type: ignore[no-untyped-def]
    return market.exchange.post("/v1/offers", json=body, headers=bearer(token))


class TestPublishing:
    def test_the_owner_offers_a_registered_asset(self, market: Market) -> None:
        asset = market.registered_asset()
        body = {"asset_id": asset["id"], "plan": "subscription", "price_fen": 10_000,
                "term_days": 90, "period_days": 30,
                "policy": {"purposes": ["research", "public_welfare"], "territory": "CN-ZJ"}}
        assert post_offer(market, None, body).status_code == 401
        assert post_offer(market, market.buyer, body).status_code == 403
        assert post_offer(market, market.company, body).status_code == 403
        created = post_offer(market, market.provider, body)
        assert created.status_code == 201
        offer = created.json()
        assert offer["status"] == "active"
        assert offer["rights"] == ["processing"]
        assert offer["policy"]["@type"] == "Offer"
        constraints = offer["policy"]["permission"][0]["constraint"]
        assert {"leftOperand": "spatial", "operator": "eq", "rightOperand": "CN-ZJ"} in constraints
        [event] = market.events("offer.published")
        assert event["payload"]["terms_sha256"] == offer["terms_sha256"]
        order = market.order(offer, purpose_category="research")
        assert order["amount_fen"] == 30_000

    def test_pending_assets_and_unclaimed_rights_are_refused(self, market: Market) -> None:
        pending = market.registered_asset(certify=False)
        body = {"asset_id": pending["id"], "plan": "one_time", "price_fen": 1, "term_days": 1}
        assert post_offer(market, market.provider, body).status_code == 409
        asset = market.registered_asset(rights=["processing"])
        refused = post_offer(market, market.provider, {**body, "asset_id": asset["id"]})
        assert refused.status_code == 422
        assert refused.json()["type"].endswith("right-not-grantable")

    @pytest.mark.parametrize("terms", [
        {"plan": "subscription", "price_fen": 100, "term_days": 40, "period_days": 30},
        {"plan": "metered", "price_fen": 0, "term_days": 30, "unit": "call"},
        {"plan": "one_time", "price_fen": 1.5, "term_days": 30},
        {"plan": "one_time", "price_fen": 100, "term_days": 0},
        {"plan": "barter", "price_fen": 100, "term_days": 30},
    ])
    def test_unusable_price_terms_are_422(self, market: Market, terms: dict[str, object]) -> None:
        asset = market.registered_asset()
        response = post_offer(market, market.provider, {"asset_id": asset["id"], **terms})
        assert response.status_code == 422

    def test_metered_orders_buy_a_quantity_on_a_graduated_tariff(self, market: Market) -> None:
        offer = market.offer(plan="metered", price_fen=0, unit="call", tiers=TIERS)
        order = market.order(offer, quantity=1500)
        assert order["amount_fen"] == 1000 * 10 + 500 * 6
        assert market.place(offer).status_code == 422

    def test_search_and_withdrawal(self, market: Market) -> None:
        transport = market.offer(title="公交客流月度数据")
        weather = market.offer(market.company, asset=market.registered_asset(
            market.company, themes=["environment"], title={"zh": "杭州市气象观测"},
            keywords=["气象"]), title="气象观测数据", price_fen=900)
        everything = market.exchange.get("/v1/offers").json()["items"]
        assert {o["id"] for o in everything} == {transport["id"], weather["id"]}
        by_text = market.exchange.get("/v1/offers", params={"q": "客流"}).json()["items"]
        assert [o["id"] for o in by_text] == [transport["id"]]
        by_theme = market.exchange.get("/v1/offers", params={"theme": "environment"}).json()
        assert [o["id"] for o in by_theme["items"]] == [weather["id"]]
        cheap = market.exchange.get("/v1/offers", params={"max_price_fen": 1000}).json()
        assert [o["id"] for o in cheap["items"]] == [weather["id"]]
        weather_asset = market.exchange.get(f"/v1/assets/{weather['asset_id']}",
                                            headers=bearer(market.company)).json()
        dataset_id = weather_asset["datasets"][0]["dataset_id"]
        on_dataset = market.exchange.get("/v1/offers", params={"dataset_id": dataset_id})
        assert [o["id"] for o in on_dataset.json()["items"]] == [weather["id"]]
        nowhere = market.exchange.get("/v1/offers", params={"dataset_id": "ds_unknown"})
        assert nowhere.json()["items"] == []
        url = f"/v1/offers/{transport['id']}/withdraw"
        assert market.exchange.post(url, headers=bearer(market.company)).status_code == 403
        assert market.exchange.post(url, headers=bearer(market.provider)).status_code == 200
        assert market.exchange.post(url, headers=bearer(market.provider)).status_code == 409
        active = market.exchange.get("/v1/offers").json()["items"]
        assert [o["id"] for o in active] == [weather["id"]]
        assert market.exchange.get(f"/v1/offers/{transport['id']}").json()["status"] == \
            "withdrawn"


class TestPublicDataPricing:
    def cap(self, market: Market, token: str, fen: int, plan: str = "one_time"):  # type: ignore[no-untyped-def]
        return market.exchange.put(f"/v1/price-caps/transport/{plan}",
                                   json={"max_price_fen": fen, "reason": "公共数据定价指导"},
                                   headers=bearer(token))

    def test_only_regulators_set_caps(self, market: Market) -> None:
        assert self.cap(market, market.provider, 10).status_code == 403
        assert self.cap(market, market.operator, 10).status_code == 403
        assert self.cap(market, market.regulator, 20_000).status_code == 200
        caps = market.exchange.get("/v1/price-caps").json()
        assert [(c["theme"], c["plan"], c["max_price_fen"]) for c in caps] == \
            [("transport", "one_time", 20_000)]
        [event] = market.events("price_cap.set")
        assert event["payload"]["max_price_fen"] == 20_000

    def test_public_bodies_offers_are_capped_and_companies_are_not(self, market: Market) -> None:
        self.cap(market, market.regulator, 20_000)
        asset = market.registered_asset()
        body = {"asset_id": asset["id"], "plan": "one_time", "price_fen": 20_001,
                "term_days": 30}
        above = post_offer(market, market.provider, body)
        assert above.status_code == 422
        assert above.json()["type"].endswith("price-above-cap")
        at_cap = post_offer(market, market.provider, {**body, "price_fen": 20_000})
        assert at_cap.status_code == 201
        assert (at_cap.json()["cap_theme"], at_cap.json()["cap_fen"]) == ("transport", 20_000)
        company = market.registered_asset(market.company)
        assert post_offer(market, market.company,
                          {**body, "asset_id": company["id"]}).status_code == 201

    def test_lowering_a_cap_stops_orders_above_it(self, market: Market) -> None:
        offer = market.offer(price_fen=30_000)
        self.cap(market, market.regulator, 10_000)
        response = market.place(offer)
        assert response.status_code == 409
        assert response.json()["type"].endswith("offer-above-cap")

    def test_conditional_free_use_needs_a_regulators_approval(self, market: Market) -> None:
        offer = market.offer()
        approval = {"org_id": market.org(market.buyer), "category": "research",
                    "reason": "高校交通研究项目"}
        assert market.exchange.post("/v1/public-interest-approvals", json=approval,
                                    headers=bearer(market.operator)).status_code == 403
        paid_use = market.order(offer, purpose_category="research")
        assert (paid_use["amount_fen"], paid_use["free_use"]) == (50_000, False)
        created = market.exchange.post("/v1/public-interest-approvals", json=approval,
                                       headers=bearer(market.regulator))
        assert created.status_code == 201
        free = market.order(offer, purpose_category="research")
        assert (free["amount_fen"], free["list_amount_fen"], free["free_use"]) == \
            (0, 50_000, True)
        commercial = market.order(offer, purpose_category="commercial")
        assert commercial["amount_fen"] == 50_000
        company_offer = market.offer(market.company,
                                     asset=market.registered_asset(market.company))
        assert market.order(company_offer, purpose_category="research")["amount_fen"] == 50_000
        market.act(free, "accept", market.provider)
        paid = market.pay(free)
        assert paid.status_code == 200
        assert market.balances(market.buyer) == (0, 0)
        settled = market.act(free, "confirm", market.buyer).json()
        assert (settled["status"], settled["fee_fen"]) == ("settled", 0)
        mine = market.exchange.get("/v1/public-interest-approvals",
                                   headers=bearer(market.buyer)).json()
        revoke = market.exchange.post(f"/v1/public-interest-approvals/{mine[0]['id']}/revoke",
                                      headers=bearer(market.regulator))
        assert revoke.status_code == 200
        assert market.order(offer, purpose_category="research")["amount_fen"] == 50_000

    def test_only_public_interest_purposes_are_approved(self, market: Market) -> None:
        response = market.exchange.post("/v1/public-interest-approvals", json={
            "org_id": market.org(market.buyer), "category": "commercial", "reason": "x"},
            headers=bearer(market.regulator))
        assert response.status_code == 422
