"""The outbox relay delivers in order, survives the audit service being away, and
delivers each event exactly once."""

from __future__ import annotations

from functools import partial

import httpx
import pytest
from sqlalchemy import select

from services.clients import AuditClient, BearerToken, ServiceUnreachable
from services.exchange.outbox import outbox as exchange_outbox
from services.shared.outbox import OutboxRelay, ledger_keyring
from tests.audit.emitters import service_token
from tests.stack import Stack

CODES = ["91330100716105852F", "91110108551385082Q", "914403001922038216",
         "91350100M000100Y43"]


class Switchable(httpx.BaseTransport):
    """The audit service's in-process transport, which a test can switch off."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.up = True

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self.up:
            raise httpx.ConnectError("audit service is down", request=request)
        return self.inner.handle_request(request)


@pytest.fixture
def relay_parts(stack: Stack) -> tuple[OutboxRelay, Switchable]:
    transport = Switchable(stack.audit._transport)
    token = service_token(stack.exchange, "exchange")
    client = AuditClient.connect(str(stack.audit.base_url), credentials=BearerToken(token),
                                 transport=transport)
    deliver = partial(client.deliver,
                      keys=ledger_keyring(stack.exchange_settings, "exchange"))
    db = stack.exchange.app.state.db  # type: ignore[attr-defined]
    return OutboxRelay(db, exchange_outbox, deliver, batch_size=3), transport


def ledger(stack: Stack) -> list[dict[str, object]]:
    stack.register(roles=["regulator"], credit_code="12100000400000624D",
                   username="reg-admin", token=stack.operator_token())
    token = stack.token("reg-admin", "a-good-password")
    items = stack.audit.get("/v1/entries?limit=1000",
                            headers={"Authorization": f"Bearer {token}"}).json()["items"]
    return [i for i in items if i["type"] != "organization.registered"
            or i["record"]["payload"]["roles"] != ["regulator"]]


def test_events_are_delivered_in_order_once(stack: Stack, relay_parts) -> None:
    relay, _ = relay_parts
    orgs = [stack.register(roles=["buyer"], credit_code=c, username=f"user-{i}")["id"]
            for i, c in enumerate(CODES)]
    assert relay.pending() == 4
    delivered = 0
    while batch := relay.run_once():
        delivered += batch
    assert delivered == 4 and relay.pending() == 0
    assert relay.run_once() == 0
    entries = ledger(stack)
    assert [e["subject"] for e in entries[:4]] == orgs
    assert [e["seq"] for e in entries[:4]] == [0, 1, 2, 3]
    db = stack.exchange.app.state.db  # type: ignore[attr-defined]
    with db.reading() as session:
        rows = session.execute(select(exchange_outbox.c.event_id, exchange_outbox.c.ledger_seq,
                                      exchange_outbox.c.attempts)
                               .order_by(exchange_outbox.c.id)).all()
    delivered = rows[:4]  # then the regulator that ledger() registers, not delivered
    by_event = {e["event_id"]: e["seq"] for e in entries}
    assert [(seq, attempts) for _, seq, attempts in delivered] == [
        (by_event[event_id], 1) for event_id, _, _ in delivered]
    assert [seq for _, seq, _ in rows[4:]] == [None]


def test_audit_down_loses_nothing_and_the_backlog_drains_once(stack: Stack, relay_parts) -> None:
    relay, transport = relay_parts
    stack.register(roles=["buyer"], credit_code=CODES[0], username="user-0")
    relay.run_once()
    transport.up = False
    for i, code in enumerate(CODES[1:], start=1):
        response = stack.exchange.post(
            "/v1/organizations",
            json={"name": f"org {i}", "credit_code": code, "roles": ["buyer"],
                  "admin": {"username": f"user-{i}", "password": "a-good-password"}},
        )
        assert response.status_code == 201  # the exchange keeps working
    with pytest.raises(ServiceUnreachable):
        relay.run_once()
    assert relay.pending() == 3
    # Still ready (the exchange works on), and the backlog says what is stuck and why.
    ready = stack.exchange.get("/readyz")
    assert ready.status_code == 200
    waiting = ready.json()["ledger_outbox"]
    assert waiting["pending"] == 3 and waiting["attempts"] == 1
    assert "audit service is down" in waiting["last_error"]
    transport.up = True
    while relay.run_once():
        pass
    assert relay.pending() == 0
    assert stack.exchange.get("/readyz").json()["ledger_outbox"] == {"pending": 0}
    entries = ledger(stack)
    subjects = [e["subject"] for e in entries]
    assert len(subjects) == len(set(subjects)) == 4


def test_a_delivery_lost_after_the_ledger_stored_it_is_not_recorded_twice(
    stack: Stack, relay_parts
) -> None:
    relay, _ = relay_parts
    stack.register(roles=["buyer"], credit_code=CODES[0], username="user-0")
    real_deliver = relay.deliver

    def deliver_then_crash(entries):  # the ledger stores them, the answer is lost
        real_deliver(entries)
        raise httpx.ReadTimeout("answer lost")

    relay.deliver = deliver_then_crash
    with pytest.raises(httpx.ReadTimeout):
        relay.run_once()
    relay.deliver = real_deliver
    assert relay.run_once() == 1
    assert len(ledger(stack)) == 1
