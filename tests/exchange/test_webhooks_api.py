"""Webhooks over HTTP: adding, listing, removing, test events, and which trade events reach
which organisation; delivery to a real receiver on a loopback port through an outage."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from services.exchange.notifications.dispatcher import DispatchReport, WebhookDispatcher
from services.exchange.notifications.service import notify_payout_paid
from services.shared.orm import utcnow
from tests.exchange.trading_helpers import Market, bearer
from tests.exchange.webhook_receiver import Receiver
from tests.stack import Stack

ALL_EVENTS = ["order.requested", "order.accepted", "order.paid", "order.deadline_near",
              "grant.issued", "grant.revoked", "dispute.opened", "dispute.ruled",
              "dataset.revised", "payout.paid"]


@pytest.fixture
def market(stack: Stack) -> Market:
    market = Market(stack)
    # The tests drive delivery rounds themselves, at chosen times.
    market.exchange.app.state.webhooks.stop()  # type: ignore[attr-defined]
    return market


def add(market: Market, token: str | None, url: str = "https://hooks.example.com/dataex",
        events: list[str] | None = None, **extra: Any):  # type: ignore[no-untyped-def]
    body = {"url": url, "events": ALL_EVENTS if events is None else events, **extra}
    return market.exchange.post("/v1/webhooks", json=body, headers=bearer(token))


def dispatcher(market: Market, **policy: Any) -> WebhookDispatcher:
    app = market.exchange.app  # type: ignore[attr-defined]
    from services.exchange.market.notifications import RetryPolicy
    return WebhookDispatcher(app.state.db, policy=RetryPolicy(**policy), interval=0)


def deliveries(market: Market, token: str, hook: dict[str, Any]) -> list[dict[str, Any]]:
    response = market.exchange.get(f"/v1/webhooks/{hook['id']}/deliveries",
                                   headers=bearer(token))
    assert response.status_code == 200, response.text
    return list(response.json())


class TestManagingWebhooks:
    def test_a_member_adds_lists_and_removes_its_webhooks(self, market: Market) -> None:
        created = add(market, market.buyer, description="ERP")
        assert created.status_code == 201, created.text
        hook = created.json()
        assert hook["secret"].startswith("whsec_") and hook["status"] == "active"
        assert hook["org_id"] == market.org(market.buyer)
        listed = market.exchange.get("/v1/webhooks", headers=bearer(market.buyer)).json()
        assert [h["id"] for h in listed] == [hook["id"]]
        assert "secret" not in listed[0]
        assert market.exchange.get("/v1/webhooks",
                                   headers=bearer(market.provider)).json() == []
        gone = market.exchange.delete(f"/v1/webhooks/{hook['id']}", headers=bearer(market.buyer))
        assert gone.status_code == 204
        assert market.exchange.get("/v1/webhooks", headers=bearer(market.buyer)).json() == []
        assert [e["type"] for e in market.events("webhook.")] == ["webhook.created",
                                                                  "webhook.removed"]
        created_event = market.events("webhook.created")[0]["payload"]
        assert "url" not in created_event and len(created_event["url_sha256"]) == 64

    def test_event_types_are_listed(self, market: Market) -> None:
        assert market.exchange.get("/v1/webhooks/event-types").json() == ALL_EVENTS

    def test_wrong_role_and_anonymous_are_refused(self, market: Market) -> None:
        assert add(market, None).status_code == 401
        for token in (market.regulator, market.operator):
            refused = add(market, token)
            assert refused.status_code == 403
            assert refused.headers["content-type"] == "application/problem+json"
        assert market.events("webhook.") == []

    def test_another_organisations_webhook_is_not_found(self, market: Market) -> None:
        hook = add(market, market.buyer).json()
        for method, path in (("DELETE", ""), ("GET", "/deliveries"), ("POST", "/test")):
            response = market.exchange.request(method, f"/v1/webhooks/{hook['id']}{path}",
                                               headers=bearer(market.other_buyer))
            assert response.status_code == 404, (method, path)
        assert len(market.exchange.get("/v1/webhooks", headers=bearer(market.buyer)).json()) == 1

    @pytest.mark.parametrize(("body", "words"), [
        ({"url": "ftp://example.com/x"}, "http"),
        ({"url": "https://user:pw@example.com/x"}, "credentials"),
        ({"url": "https://example.com/x#frag"}, "fragment"),
        ({"url": "not a url at all"}, "http"),
        ({"events": []}, "events"),
        ({"events": ["order.eaten"]}, "events"),
    ])
    def test_bad_input_is_refused_and_changes_nothing(self, market: Market,
                                                      body: dict[str, Any], words: str) -> None:
        response = add(market, market.buyer, **body)
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert words in response.text
        assert market.exchange.get("/v1/webhooks", headers=bearer(market.buyer)).json() == []
        assert market.events("webhook.") == []


class TestWhoHearsWhat:
    def test_a_trade_notifies_both_parties_of_their_events(self, market: Market) -> None:
        buyer_hook = add(market, market.buyer).json()
        provider_hook = add(market, market.provider,
                            events=["order.requested", "order.paid"]).json()
        other_hook = add(market, market.other_buyer).json()
        order = market.paid()
        buyer_types = [d["event_type"] for d in deliveries(market, market.buyer, buyer_hook)]
        assert sorted(buyer_types) == sorted(["order.requested", "order.accepted",
                                              "order.paid", "grant.issued"])
        provider_types = [d["event_type"] for d in
                          deliveries(market, market.provider, provider_hook)]
        assert sorted(provider_types) == ["order.paid", "order.requested"]
        assert deliveries(market, market.other_buyer, other_hook) == []
        assert all(d["status"] == "pending" for d in
                   deliveries(market, market.buyer, buyer_hook))
        assert order["status"] == "paid"

    def test_disputes_opened_and_ruled_and_the_revoked_grant(self, market: Market) -> None:
        order = market.paid()
        hook = add(market, market.buyer,
                   events=["dispute.opened", "dispute.ruled", "grant.revoked"]).json()
        opened = market.exchange.post("/v1/disputes", headers=bearer(market.provider), json={
            "order_id": order["id"], "reason": "买方违约"})
        assert opened.status_code == 201, opened.text
        answered = market.exchange.post(f"/v1/disputes/{opened.json()['id']}/answer",
                                        headers=bearer(market.buyer),
                                        json={"statement": "已付款，未收到数据"})
        assert answered.status_code == 200, answered.text
        ruled = market.exchange.post(f"/v1/disputes/{opened.json()['id']}/rule",
                                     headers=bearer(market.regulator),
                                     json={"outcome": "refund_full", "reason": "未交付"})
        assert ruled.status_code == 200, ruled.text
        types = [d["event_type"] for d in deliveries(market, market.buyer, hook)]
        assert sorted(types) == ["dispute.opened", "dispute.ruled", "grant.revoked"]

    def test_a_near_deadline_is_announced_once_to_the_party_that_must_act(
            self, market: Market) -> None:
        hook = add(market, market.provider, events=["order.deadline_near"]).json()
        buyer_hook = add(market, market.buyer, events=["order.deadline_near"]).json()
        order = market.order()
        due = market.exchange.get(f"/v1/orders/{order['id']}",
                                  headers=bearer(market.buyer)).json()["due_at"]
        from datetime import datetime
        almost = datetime.fromisoformat(due.replace("Z", "+00:00")) - timedelta(hours=2)
        assert market.sweep(almost).deadline_notices == 1
        assert market.sweep(almost + timedelta(minutes=5)).deadline_notices == 0
        found = deliveries(market, market.provider, hook)
        assert [d["event_type"] for d in found] == ["order.deadline_near"]
        assert deliveries(market, market.buyer, buyer_hook) == []

    def test_a_revision_of_a_bought_dataset_is_told_to_the_buyer_once(
            self, market: Market) -> None:
        hook = add(market, market.buyer, events=["dataset.revised"]).json()
        order = market.paid()
        contract = market.exchange.get(f"/v1/orders/{order['id']}/contract",
                                       headers=bearer(market.buyer)).json()
        dataset_id = contract["document"]["asset"]["dataset_hashes"][0]["dataset_id"]
        assert market.sweep(utcnow()).revision_notices == 0  # unchanged since the order
        revised = market.stack.catalog.patch(
            f"/v1/datasets/{dataset_id}", headers=bearer(market.provider),
            json={"description": {"zh": "新增了夜间线路。", "en": "Night lines added."}})
        assert revised.status_code == 200, revised.text
        assert market.sweep(utcnow()).revision_notices == 1
        assert market.sweep(utcnow()).revision_notices == 0
        [delivery] = deliveries(market, market.buyer, hook)
        assert delivery["event_type"] == "dataset.revised"

    def test_a_payout_is_told_once_whichever_path_raises_it(self, market: Market) -> None:
        hook = add(market, market.provider, events=["payout.paid"]).json()
        db = market.exchange.app.state.db  # type: ignore[attr-defined]
        org = market.org(market.provider)
        for _ in range(2):
            with db.transaction() as session:
                notify_payout_paid(session, payout_id="pay_1", org_id=org, amount_fen=4_850)
        found = deliveries(market, market.provider, hook)
        assert [d["event_type"] for d in found] == ["payout.paid"]


class TestDelivery:
    def test_through_an_outage_nothing_is_lost_and_each_event_arrives_once(
            self, market: Market) -> None:
        receiver = Receiver()
        hook = add(market, market.buyer, url=receiver.url).json()
        receiver.secret = hook["secret"]
        market.paid()
        market.paid()  # 8 events: requested, accepted, paid, grant issued, twice
        send = dispatcher(market, base_seconds=10, cap_seconds=60, max_attempts=50)
        now = utcnow()
        # The receiver is down: every round fails, backing off 10, 20, 40, 60, 60 s.
        report = send.run_once(now)
        assert report == DispatchReport(delivered=0, retried=1, failed=0)
        for _ in range(4):
            pending = deliveries(market, market.buyer, hook)
            first = min(pending, key=lambda d: d["id"])
            assert first["status"] == "pending" and first["last_error"]
            assert send.run_once(now).delivered == 0  # not due yet: nothing is tried
            now += timedelta(seconds=61)
            assert send.run_once(now).retried == 1
        assert receiver.requests == 0
        # Back up: the next round delivers everything, each event once.
        receiver.up()
        try:
            now += timedelta(seconds=61)
            assert send.run_once(now).delivered == 8
            assert send.run_once(now + timedelta(hours=1)) == DispatchReport()
        finally:
            receiver.down()
        assert receiver.requests == 8 and receiver.refused == 0
        assert sorted(receiver.types()) == sorted(["order.requested", "order.accepted",
                                                   "order.paid", "grant.issued"] * 2)
        found = deliveries(market, market.buyer, hook)
        assert {d["status"] for d in found} == {"delivered"}
        assert {d["event_id"] for d in found} == set(receiver.events)
        body = next(e for e in receiver.events.values() if e["type"] == "order.paid")
        assert body["data"]["buyer_org_id"] == market.org(market.buyer)
        assert body["ledger_event_id"].startswith("evt_")

    def test_a_lost_answer_is_sent_again_with_the_same_id(self, market: Market) -> None:
        receiver = Receiver()
        hook = add(market, market.buyer, url=receiver.url, events=["order.requested"]).json()
        receiver.secret = hook["secret"]
        market.order()
        send = dispatcher(market, base_seconds=1)
        receiver.up()
        try:
            receiver.answer = 503  # received, but the answer says otherwise
            assert send.run_once(utcnow()).retried == 1
            receiver.answer = 200
            assert send.run_once(utcnow() + timedelta(seconds=2)).delivered == 1
        finally:
            receiver.down()
        assert receiver.requests == 2 and len(receiver.events) == 1
        [delivery] = deliveries(market, market.buyer, hook)
        assert (delivery["status"], delivery["attempts"], delivery["last_status_code"]) == (
            "delivered", 2, 200)

    def test_after_the_last_attempt_a_delivery_is_failed_not_dropped(
            self, market: Market) -> None:
        receiver = Receiver()
        hook = add(market, market.buyer, url=receiver.url, events=["order.requested"]).json()
        market.order()
        send = dispatcher(market, base_seconds=1, max_attempts=2)
        assert send.run_once(utcnow()).retried == 1
        assert send.run_once(utcnow() + timedelta(seconds=5)).failed == 1
        [delivery] = deliveries(market, market.buyer, hook)
        assert (delivery["status"], delivery["attempts"]) == ("failed", 2)
        assert "ConnectError" in delivery["last_error"]

    def test_the_test_button_sends_a_signed_test_event(self, market: Market) -> None:
        receiver = Receiver()
        hook = add(market, market.buyer, url=receiver.url, events=["order.paid"]).json()
        receiver.secret = hook["secret"]
        queued = market.exchange.post(f"/v1/webhooks/{hook['id']}/test",
                                      headers=bearer(market.buyer))
        assert queued.status_code == 202
        receiver.up()
        try:
            assert dispatcher(market).run_once().delivered == 1
        finally:
            receiver.down()
        assert list(receiver.events) == [queued.json()["event_id"]]
        assert receiver.types() == ["webhook.test"]

    def test_removing_a_webhook_cancels_what_it_has_not_received(self, market: Market) -> None:
        receiver = Receiver()
        hook = add(market, market.buyer, url=receiver.url, events=["order.requested"]).json()
        market.order()
        market.exchange.delete(f"/v1/webhooks/{hook['id']}", headers=bearer(market.buyer))
        assert dispatcher(market).run_once() == DispatchReport()
        db = market.exchange.app.state.db  # type: ignore[attr-defined]
        with db.engine.connect() as conn:
            statuses = conn.execute(text("SELECT status FROM webhook_deliveries")).scalars().all()
        assert statuses == ["cancelled"]
        assert market.events("webhook.removed")[0]["payload"]["cancelled_deliveries"] == 1

    def test_the_background_dispatcher_delivers_by_itself(self, market: Market) -> None:
        receiver = Receiver()
        hook = add(market, market.buyer, url=receiver.url, events=["order.requested"]).json()
        receiver.secret = hook["secret"]
        receiver.up()
        send = WebhookDispatcher(market.exchange.app.state.db,  # type: ignore[attr-defined]
                                 interval=0.05)
        send.start()
        try:
            market.order()
            import time
            deadline = time.monotonic() + 10
            while not receiver.events and time.monotonic() < deadline:
                time.sleep(0.05)
        finally:
            send.close()
            receiver.down()
        assert receiver.types() == ["order.requested"]
