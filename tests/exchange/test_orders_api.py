"""Orders over HTTP: who may do what, every refused move, idempotency, money, grants,
contracts and vouchers."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest

from services.exchange.certificates.verify import verify_document
from services.shared.canonical import canonical_sha256
from services.shared.orm import utcnow
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


class TestPlacing:
    def test_anonymous_callers_and_providers_cannot_order(self, market: Market) -> None:
        offer = market.offer()
        body = {"offer_id": offer["id"], "purpose": "研究"}
        anonymous = market.exchange.post("/v1/orders", json=body,
                                         headers={"Idempotency-Key": "k1"})
        assert anonymous.status_code == 401
        as_provider = market.exchange.post("/v1/orders", json=body, headers={
            **bearer(market.company), "Idempotency-Key": "k1"})
        assert as_provider.status_code == 403

    def test_a_request_fixes_the_contract_and_signs_the_buyers_acceptance(
        self, market: Market
    ) -> None:
        offer = market.offer()
        order = market.order(offer)
        assert order["status"] == "requested"
        assert order["amount_fen"] == 50_000
        assert order["next_actions"] == ["cancel"]
        contract = market.exchange.get(f"/v1/orders/{order['id']}/contract",
                                       headers=bearer(market.buyer)).json()
        assert canonical_sha256(contract["document"]) == order["contract_sha256"]
        assert contract["document"]["terms_sha256"] == offer["terms_sha256"]
        assert contract["document"]["policy"]["@type"] == "Agreement"
        [acceptance] = contract["acceptances"]
        jwks = market.exchange.get("/v1/signing-keys").json()
        assert acceptance["role"] == "buyer"
        assert acceptance["contract_sha256"] == order["contract_sha256"]
        assert verify_document(acceptance, jwks).valid
        [event] = market.events("order.requested")
        assert event["payload"]["contract_sha256"] == order["contract_sha256"]
        assert event["payload"]["terms_sha256"] == offer["terms_sha256"]
        assert event["payload"]["dataset_hashes"][0]["content_sha256"]

    def test_the_key_is_required(self, market: Market) -> None:
        offer = market.offer()
        response = market.exchange.post("/v1/orders", headers=bearer(market.buyer),
                                        json={"offer_id": offer["id"], "purpose": "研究"})
        assert response.status_code == 422

    def test_same_key_and_body_replays_and_another_body_is_a_conflict(
        self, market: Market
    ) -> None:
        offer = market.offer()
        headers = {**bearer(market.buyer), "Idempotency-Key": "order-1"}
        body = {"offer_id": offer["id"], "purpose": "交通规划研究"}
        first = market.exchange.post("/v1/orders", json=body, headers=headers)
        again = market.exchange.post("/v1/orders", json=body, headers=headers)
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again.headers["Idempotent-Replayed"] == "true"
        other = market.exchange.post("/v1/orders", json={**body, "purpose": "别的用途"},
                                     headers=headers)
        assert other.status_code == 409
        assert other.json()["type"].endswith("idempotency-key-reused")
        orders = market.exchange.get("/v1/orders", headers=bearer(market.buyer)).json()
        assert [o["id"] for o in orders["items"]] == [first.json()["id"]]
        assert len(market.events("order.requested")) == 1

    def test_keys_belong_to_an_organisation(self, market: Market) -> None:
        offer = market.offer()
        body = {"offer_id": offer["id"], "purpose": "交通规划研究"}
        mine = market.exchange.post("/v1/orders", json=body,
                                    headers={**bearer(market.buyer), "Idempotency-Key": "k"})
        theirs = market.exchange.post("/v1/orders", json=body, headers={
            **bearer(market.other_buyer), "Idempotency-Key": "k"})
        assert mine.status_code == theirs.status_code == 201
        assert mine.json()["id"] != theirs.json()["id"]

    def test_refusals(self, market: Market) -> None:
        offer = market.offer(market.company, asset=market.registered_asset(market.company),
                             policy={"purposes": ["research"]})
        unknown = market.place({"id": "off_nope"})
        assert unknown.status_code == 422
        own = market.exchange.post("/v1/orders", json={
            "offer_id": offer["id"], "purpose": "自己买"}, headers={
            **bearer(market.provider), "Idempotency-Key": "x"})
        assert own.status_code == 403  # a provider-only organisation is no buyer
        purpose = market.place(offer, purpose_category="commercial")
        assert purpose.status_code == 422
        assert purpose.json()["type"].endswith("purpose-not-permitted")
        metered_only = market.place(offer, purpose_category="research", quantity=5)
        assert metered_only.status_code == 422
        market.exchange.post(f"/v1/offers/{offer['id']}/withdraw", headers=bearer(market.company))
        withdrawn = market.place(offer, purpose_category="research")
        assert withdrawn.status_code == 409


class TestVisibility:
    def test_only_the_parties_and_regulators_see_an_order(self, market: Market) -> None:
        order = market.order()
        url = f"/v1/orders/{order['id']}"
        assert market.exchange.get(url).status_code == 401
        assert market.exchange.get(url, headers=bearer(market.other_buyer)).status_code == 404
        assert market.exchange.get(url, headers=bearer(market.company)).status_code == 404
        assert market.exchange.get(url, headers=bearer(market.operator)).status_code == 404
        for token in (market.buyer, market.provider, market.regulator):
            response = market.exchange.get(url, headers=bearer(token))
            assert response.status_code == 200
            assert [m["action"] for m in response.json()["history"]] == ["request"]
        for path in ("/contract", "/voucher"):
            assert market.exchange.get(url + path,
                                       headers=bearer(market.other_buyer)).status_code == 404

    def test_listings_show_only_the_callers_orders(self, market: Market) -> None:
        offer = market.offer()
        mine = market.order(offer)
        theirs = market.order(offer, market.other_buyer)
        listed = market.exchange.get("/v1/orders", headers=bearer(market.buyer)).json()
        assert [o["id"] for o in listed["items"]] == [mine["id"]]
        as_provider = market.exchange.get("/v1/orders?role=provider",
                                          headers=bearer(market.provider)).json()
        assert {o["id"] for o in as_provider["items"]} == {mine["id"], theirs["id"]}
        regulator = market.exchange.get("/v1/orders?status=requested",
                                        headers=bearer(market.regulator)).json()
        assert len(regulator["items"]) == 2
        assert market.exchange.get("/v1/orders").status_code == 401


class TestAnswering:
    def test_only_the_offers_provider_accepts_or_rejects(self, market: Market) -> None:
        order = market.order()
        assert market.act(order, "accept", None).status_code == 401
        assert market.act(order, "accept", market.buyer).status_code == 403
        assert market.act(order, "accept", market.company).status_code == 404
        assert market.act(order, "reject", market.company).status_code == 404
        accepted = market.act(order, "accept", market.provider)
        assert accepted.status_code == 200
        assert accepted.json()["status"] == "accepted"
        again = market.act(order, "accept", market.provider)
        assert again.status_code == 409
        assert again.json()["type"].endswith("invalid-transition")
        assert market.act(order, "reject", market.provider).status_code == 409

    def test_acceptance_concludes_the_contract_with_both_signatures(
        self, market: Market
    ) -> None:
        order = market.accepted()
        contract = market.exchange.get(f"/v1/orders/{order['id']}/contract",
                                       headers=bearer(market.provider)).json()
        assert contract["concluded_at"] is not None
        jwks = market.exchange.get("/v1/signing-keys").json()
        roles = {a["role"]: verify_document(a, jwks).valid for a in contract["acceptances"]}
        assert roles == {"buyer": True, "provider": True}
        [event] = market.events("order.accepted")
        provider_acceptance = next(a for a in contract["acceptances"] if a["role"] == "provider")
        assert event["payload"]["provider_acceptance_sha256"] == \
            canonical_sha256(provider_acceptance)

    def test_rejection_and_cancellation_are_final(self, market: Market) -> None:
        offer = market.offer()
        rejected = market.order(offer)
        response = market.act(rejected, "reject", market.provider, {"reason": "数据用途不符"})
        assert response.json()["status"] == "rejected"
        [event] = market.events("order.rejected")
        # the ledger's one form for free text: SHA-256 of the UTF-8 bytes, no JSON quotes
        expected = hashlib.sha256("数据用途不符".encode()).hexdigest()
        assert event["payload"]["reason_sha256"] == expected
        assert market.act(rejected, "cancel", market.buyer).status_code == 409
        cancelled = market.accepted(offer)
        assert market.act(cancelled, "cancel", market.provider).status_code == 403
        assert market.act(cancelled, "cancel", market.buyer).json()["status"] == "cancelled"
        assert market.pay(cancelled).status_code == 409

    def test_important_data_waits_for_a_regulator(self, market: Market) -> None:
        asset = market.registered_asset(grade="important")
        offer = market.offer(asset=asset)
        order = market.order(offer)
        assert order["needs_regulator_approval"] is True
        blocked = market.act(order, "accept", market.provider)
        assert blocked.status_code == 409
        assert blocked.json()["type"].endswith("regulator-approval-required")
        assert market.act(order, "compliance", market.provider,
                          {"approve": True}).status_code == 403
        approved = market.act(order, "compliance", market.regulator, {"approve": True})
        assert approved.status_code == 200
        assert market.act(order, "compliance", market.regulator,
                          {"approve": True}).status_code == 409
        assert market.act(order, "accept", market.provider).status_code == 200
        refused = market.order(offer)
        response = market.act(refused, "compliance", market.regulator,
                              {"approve": False, "reason": "用途不明"})
        assert response.json()["status"] == "rejected"
        plain = market.order()
        assert market.act(plain, "compliance", market.regulator,
                          {"approve": True}).status_code == 409


class TestPaying:
    def test_payment_moves_the_price_into_escrow_and_issues_a_grant(
        self, market: Market
    ) -> None:
        order = market.accepted()
        market.deposit(market.buyer, 80_000)
        paid = market.pay(order)
        assert paid.status_code == 200
        assert paid.json()["status"] == "paid"
        assert market.balances(market.buyer) == (30_000, 50_000)
        [event] = market.events("order.paid")
        assert event["payload"]["amount_fen"] == 50_000
        assert sorted(p["amount_fen"] for p in event["payload"]["postings"]) == [-50_000, 50_000]
        [grant] = market.events("grant.issued")
        assert grant["payload"]["order_id"] == order["id"]

    def test_insufficient_funds_is_a_conflict_that_changes_nothing(
        self, market: Market
    ) -> None:
        order = market.accepted()
        market.deposit(market.buyer, 49_999)
        refused = market.pay(order)
        assert refused.status_code == 409
        assert refused.json()["type"].endswith("insufficient-funds")
        assert market.balances(market.buyer) == (49_999, 0)
        again = market.exchange.get(f"/v1/orders/{order['id']}", headers=bearer(market.buyer))
        assert again.json()["status"] == "accepted"
        assert market.events("order.paid") == []

    def test_a_payment_refused_for_funds_succeeds_after_a_deposit(
        self, market: Market
    ) -> None:
        # The refused payment's transaction created the escrow account and was rolled
        # back: the next payment must create it again, not assume it exists.
        order = market.accepted()
        market.deposit(market.buyer, 49_999)
        assert market.pay(order).status_code == 409
        market.deposit(market.buyer, 1)
        paid = market.pay(order)
        assert paid.status_code == 200, paid.text
        assert market.balances(market.buyer) == (0, 50_000)

    def test_a_retried_payment_never_charges_twice(self, market: Market) -> None:
        order = market.accepted()
        market.deposit(market.buyer, 200_000)
        first = market.pay(order, key="pay-1")
        replay = market.pay(order, key="pay-1")
        assert first.status_code == replay.status_code == 200
        assert replay.json() == first.json()
        fresh_key = market.pay(order, key="pay-2")
        assert fresh_key.status_code == 409
        assert market.balances(market.buyer) == (150_000, 50_000)
        assert len(market.events("order.paid")) == 1
        other_order = market.accepted()
        reused = market.pay(other_order, key="pay-1")
        assert reused.status_code == 409
        assert reused.json()["type"].endswith("idempotency-key-reused")

    def test_only_the_buyer_pays(self, market: Market) -> None:
        order = market.accepted()
        market.deposit(market.buyer, 50_000)
        assert market.pay(order, token=market.other_buyer).status_code == 404
        provider = market.exchange.post(f"/v1/orders/{order['id']}/pay", headers={
            **bearer(market.provider), "Idempotency-Key": "p"})
        assert provider.status_code == 403
        requested = market.order()
        assert market.pay(requested).status_code == 409


class TestDeliveryAndSettlement:
    def test_the_grant_is_the_buyers_and_marks_delivery(self, market: Market) -> None:
        order = market.accepted()
        url = f"/v1/orders/{order['id']}/grant"
        assert market.exchange.get(url, headers=bearer(market.buyer)).status_code == 409
        market.deposit(market.buyer, 50_000)
        market.pay(order)
        assert market.exchange.get(url, headers=bearer(market.other_buyer)).status_code == 404
        assert market.exchange.get(url, headers=bearer(market.provider)).status_code == 403
        grant = market.exchange.get(url, headers=bearer(market.buyer))
        assert grant.status_code == 200
        body = grant.json()
        assert body["dataset_ids"]
        assert body["expires_at"] <= body["grant_expires_at"]
        claims = _claims(body["token"])
        assert (claims["aud"], claims["kind"]) == ("dataex-catalog", "grant")
        assert claims["grant_id"] == body["grant_id"]
        assert claims["order_id"] == order["id"]
        assert claims["dataset_ids"] == body["dataset_ids"]
        status = market.exchange.get(f"/v1/orders/{order['id']}", headers=bearer(market.buyer))
        assert status.json()["status"] == "delivered"
        market.exchange.get(url, headers=bearer(market.buyer))
        assert len(market.events("order.delivered")) == 1

    def test_confirmation_settles_less_the_fee_with_a_signed_voucher(
        self, market: Market
    ) -> None:
        order = market.paid()
        assert market.act(order, "confirm", market.provider).status_code == 403
        settled = market.act(order, "confirm", market.buyer)
        assert settled.status_code == 200
        body = settled.json()
        assert (body["status"], body["fee_fen"], body["provider_net_fen"]) == \
            ("settled", 1_500, 48_500)
        assert market.balances(market.provider) == (48_500, 0)
        assert market.balances(market.buyer) == (0, 0)
        assert market.act(order, "confirm", market.buyer).status_code == 409
        voucher = market.exchange.get(f"/v1/orders/{order['id']}/voucher",
                                      headers=bearer(market.provider)).json()
        assert voucher["contract_sha256"] == order["contract_sha256"]
        assert (voucher["amount_fen"], voucher["fee_fen"]) == (50_000, 1_500)
        [settlement] = market.events("order.settled")
        assert voucher["ledger"]["event_id"] == settlement["event_id"]
        assert settlement["payload"]["voucher_id"] == voucher["voucher_id"]
        assert verify_document(voucher, market.exchange.get("/v1/signing-keys").json()).valid
        verified = market.exchange.post("/v1/certificates/verify", json=voucher).json()
        assert (verified["valid"], verified["status"]) == (True, "settled")
        forged = {**voucher, "fee_fen": 0}
        assert market.exchange.post("/v1/certificates/verify", json=forged).json()["valid"] \
            is False
        trial = market.exchange.get("/v1/accounts/trial-balance",
                                    headers=bearer(market.regulator)).json()
        assert trial["balanced"] is True
        assert trial["balances"]["exchange:fee_income"] == 1_500

    def test_no_voucher_before_settlement(self, market: Market) -> None:
        order = market.paid()
        response = market.exchange.get(f"/v1/orders/{order['id']}/voucher",
                                       headers=bearer(market.buyer))
        assert response.status_code == 409


class TestTheExchangesOwnMoves:
    def test_unanswered_and_unpaid_orders_expire(self, market: Market) -> None:
        offer = market.offer()
        request = market.order(offer)
        accepted = market.accepted(offer)
        report = market.sweep(utcnow() + timedelta(hours=49))
        assert (report.expired_orders, report.settled_orders) == (1, 0)
        report = market.sweep(utcnow() + timedelta(hours=73))
        assert report.expired_orders == 1
        for order in (request, accepted):
            body = market.exchange.get(f"/v1/orders/{order['id']}",
                                       headers=bearer(market.buyer)).json()
            assert body["status"] == "expired"
            assert body["history"][-1]["actor"] == "system"
        assert market.act(request, "accept", market.provider).status_code == 409

    def test_undisputed_orders_settle_after_the_acceptance_window(
        self, market: Market
    ) -> None:
        order = market.paid()
        assert market.sweep(utcnow() + timedelta(days=6)).settled_orders == 0
        assert market.sweep(utcnow() + timedelta(days=7, minutes=1)).settled_orders == 1
        body = market.exchange.get(f"/v1/orders/{order['id']}",
                                   headers=bearer(market.buyer)).json()
        assert (body["status"], body["provider_net_fen"]) == ("settled", 48_500)
        assert market.balances(market.provider) == (48_500, 0)

    def test_grants_end_with_their_term(self, market: Market) -> None:
        order = market.paid()
        report = market.sweep(utcnow() + timedelta(days=31))
        assert report.expired_grants == 1
        response = market.exchange.get(f"/v1/orders/{order['id']}/grant",
                                       headers=bearer(market.buyer))
        assert response.status_code == 409
        assert response.json()["type"].endswith("grant-expired")

    def test_idempotency_keys_are_forgotten_after_their_retention(
        self, market: Market
    ) -> None:
        offer = market.offer()
        headers = {**bearer(market.buyer), "Idempotency-Key": "kept-a-while"}
        body = {"offer_id": offer["id"], "purpose": "交通规划研究"}
        first = market.exchange.post("/v1/orders", json=body, headers=headers)
        assert market.sweep(utcnow() + timedelta(days=29)).forgotten_keys == 0
        assert market.exchange.post("/v1/orders", json=body, headers=headers).json()["id"] \
            == first.json()["id"]
        assert market.sweep(utcnow() + timedelta(days=31)).forgotten_keys == 1
        again = market.exchange.post("/v1/orders", json=body, headers=headers)
        assert again.status_code == 201
        assert again.json()["id"] != first.json()["id"]

    def test_only_operators_run_the_sweep(self, market: Market) -> None:
        assert market.exchange.post("/v1/trading/sweep",
                                    headers=bearer(market.buyer)).status_code == 403
        response = market.exchange.post("/v1/trading/sweep", headers=bearer(market.operator))
        assert response.json() == {"expired_orders": 0, "settled_orders": 0,
                                   "expired_grants": 0, "forgotten_keys": 0}


def _claims(token: str) -> dict[str, Any]:
    import base64
    import json

    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))
