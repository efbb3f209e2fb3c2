"""A stateful property test of the real exchange (HTTP API, real database): random
sequences of deposits, orders, answers, payments, deliveries, confirmations, disputes,
rulings, sweeps, payout requests paid or rejected, and fee changes. After every step money
is conserved (the trial balance sums to zero and members' kept balances equal their
postings), no balance is negative, escrow holds exactly the escrowed orders, payout-pending
exactly the requested payouts, the day reconciles against the journal, every settlement
used the fee in effect, and every order is in the state its history leads to."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from services.exchange.money.model import fee_for
from services.exchange.orders.model import ESCROWED_STATES, OrderAction, replay
from services.shared.orm import utcnow
from tests.exchange.payout_helpers import reconciliation, today, with_bank_account
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack

ANSWERS = ("accept", "reject", "cancel", "confirm")


def test_random_trading_keeps_money_and_history_consistent(stack: Stack) -> None:
    market = Market(stack)
    offers = [market.offer(price_fen=12_000), market.offer(price_fen=30_000)]
    buyers = [market.buyer, market.other_buyer]
    everyone = [market.provider, *buyers]
    assert market.regulator  # registered once, before the examples
    with_bank_account(market, market.provider)
    provider_org = market.org(market.provider)
    fee_bps = [300]  # the fee in effect; the database outlives each example

    class Trading(RuleBasedStateMachine):
        orders = Bundle("orders")
        payouts = Bundle("payouts")

        def __init__(self) -> None:
            super().__init__()
            self.touched: list[dict[str, Any]] = []

        @rule(who=st.sampled_from(everyone), amount=st.integers(min_value=1, max_value=40_000))
        def deposit(self, who: str, amount: int) -> None:
            market.deposit(who, amount)

        @rule(target=orders, who=st.sampled_from(buyers), offer=st.sampled_from(offers))
        def place(self, who: str, offer: dict[str, Any]) -> dict[str, Any]:
            order = market.order(offer, who)
            order["buyer_token"] = who
            return order

        @rule(order=orders, action=st.sampled_from(ANSWERS))
        def answer(self, order: dict[str, Any], action: str) -> None:
            token = market.provider if action in ("accept", "reject") else order["buyer_token"]
            self._expect(market.act(order, action, token), order)

        @rule(target=payouts, amount=st.integers(min_value=1, max_value=30_000))
        def request_payout(self, amount: int) -> str:
            response = market.exchange.post("/v1/payouts", json={"amount_fen": amount},
                                            headers=bearer(market.provider))
            assert response.status_code in (201, 409), response.text
            return str(response.json().get("id", ""))

        @rule(payout=payouts, paid=st.booleans())
        def decide_payout(self, payout: str, paid: bool) -> None:
            if not payout:
                return
            action, body = ("paid", {"bank_reference": "B"}) if paid \
                else ("reject", {"reason": "退回"})
            response = market.exchange.post(f"/v1/payouts/{payout}/{action}", json=body,
                                            headers=bearer(market.operator))
            assert response.status_code in (200, 409), response.text

        @rule(bps=st.integers(min_value=0, max_value=2_000))
        def set_fee(self, bps: int) -> None:
            response = market.exchange.post("/v1/fees", json={
                "fee_bps": bps, "effective_date": today()}, headers=bearer(market.operator))
            assert response.status_code == 201, response.text
            fee_bps[0] = bps

        @rule(order=orders, goal=st.sampled_from(
            ["accepted", "paid", "delivered", "settled", "disputed"]))
        def advance(self, order: dict[str, Any], goal: str) -> None:
            """Take the order's natural next steps towards ``goal`` (so that runs reach
            deep states often), stopping where it cannot go on."""
            if goal == "disputed":
                self.advance(order, "paid")
                self.dispute(order, by_buyer=True)
                return
            path = ["requested", "accepted", "paid", "delivered", "settled"]
            for _ in range(4):
                status = market.exchange.get(f"/v1/orders/{order['id']}",
                                             headers=bearer(market.regulator)).json()["status"]
                if status not in path or path.index(status) >= path.index(goal):
                    return
                if status == "requested":
                    self._expect(market.act(order, "accept", market.provider), order)
                elif status == "accepted":
                    market.deposit(order["buyer_token"], order["amount_fen"])
                    self.pay(order)
                elif status == "paid":
                    self.fetch_grant(order)
                else:
                    self._expect(market.act(order, "confirm", order["buyer_token"]), order)

        @rule(order=orders)
        def pay(self, order: dict[str, Any]) -> None:
            response = market.pay(order, order["buyer_token"])
            assert response.status_code in (200, 409), response.text
            self.touched.append(order)

        @rule(order=orders)
        def fetch_grant(self, order: dict[str, Any]) -> None:
            response = market.exchange.get(f"/v1/orders/{order['id']}/grant",
                                           headers=bearer(order["buyer_token"]))
            self._expect(response, order)

        @rule(order=orders, by_buyer=st.booleans())
        def dispute(self, order: dict[str, Any], by_buyer: bool) -> None:
            token = order["buyer_token"] if by_buyer else market.provider
            response = market.exchange.post("/v1/disputes", headers=bearer(token),
                                            json={"order_id": order["id"], "reason": "争议"})
            assert response.status_code in (201, 409), response.text
            if response.status_code == 201:
                order["dispute_id"] = response.json()["id"]
                respondent = market.provider if by_buyer else order["buyer_token"]
                answered = market.exchange.post(
                    f"/v1/disputes/{order['dispute_id']}/answer", headers=bearer(respondent),
                    json={"statement": "答辩"})
                assert answered.status_code == 200, answered.text
            self.touched.append(order)

        @rule(order=orders, outcome=st.sampled_from(
            ["refund_full", "refund_partial", "reject"]), share=st.integers(1, 99))
        def rule_on_dispute(self, order: dict[str, Any], outcome: str, share: int) -> None:
            if "dispute_id" not in order:
                return
            body: dict[str, Any] = {"outcome": outcome}
            if outcome == "refund_partial":
                body["refund_fen"] = order["amount_fen"] * share // 100
            response = market.exchange.post(f"/v1/disputes/{order['dispute_id']}/rule",
                                            json=body, headers=bearer(market.regulator))
            self._expect(response, order)

        @rule(days=st.sampled_from([1, 3, 8]))
        def sweep(self, days: int) -> None:
            market.sweep(utcnow() + timedelta(days=days))

        def _expect(self, response: Any, order: dict[str, Any]) -> None:
            assert response.status_code in (200, 409), response.text
            body = response.json()
            if response.status_code == 200 and body.get("status") == "settled" \
                    and not body.get("refunded_fen"):
                assert body["fee_fen"] == fee_for(body["amount_fen"], fee_bps[0])
            self.touched.append(order)

        @invariant()
        def payouts_are_held_until_decided_and_the_day_reconciles(self) -> None:
            trial = market.exchange.get("/v1/accounts/trial-balance",
                                        headers=bearer(market.regulator)).json()
            waiting = market.exchange.get("/v1/payouts?status=requested&limit=500",
                                          headers=bearer(market.operator)).json()
            assert trial["balances"].get(f"{provider_org}:payout_pending", 0) == \
                sum(p["amount_fen"] for p in waiting)
            report = reconciliation(market)
            assert report["balanced"], report["problems"]
            assert report["closing_fen"] == -trial["balances"].get("external:bank_clearing", 0)

        @invariant()
        def money_is_conserved_and_never_negative(self) -> None:
            trial = market.exchange.get("/v1/accounts/trial-balance",
                                        headers=bearer(market.regulator)).json()
            assert trial["total_fen"] == 0 and trial["kept_mismatches"] == {}
            for account, balance in trial["balances"].items():
                if not account.startswith("external:"):
                    assert balance >= 0, account
            listed = market.exchange.get("/v1/orders?limit=200",
                                         headers=bearer(market.regulator)).json()["items"]
            for token in buyers:
                org = market.org(token)
                held = sum(o["amount_fen"] for o in listed
                           if o["buyer_org_id"] == org and o["status"] in ESCROWED_STATES)
                assert trial["balances"].get(f"{org}:escrow", 0) == held

        @invariant()
        def touched_orders_are_where_their_history_leads(self) -> None:
            for order in self.touched[-3:]:
                body = market.exchange.get(f"/v1/orders/{order['id']}",
                                           headers=bearer(market.regulator)).json()
                actions = [m["action"] for m in body["history"]]
                assert actions[0] == "request"
                assert replay(OrderAction(a) for a in actions[1:]).value == body["status"]
            self.touched.clear()

    run_state_machine_as_test(Trading, settings=settings(
        max_examples=20, stateful_step_count=30, deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]))
    for token in everyone:
        available, escrow = market.balances(token)
        assert available >= 0 and escrow >= 0
