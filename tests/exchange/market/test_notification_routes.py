"""Which ledger events become which webhook events, for whom; the retry schedule."""

from __future__ import annotations

import pytest

from services.exchange.market.notifications import RetryPolicy, WebhookEventType, is_success, route

PARTIES = {"buyer_org_id": "org_b", "provider_org_id": "org_p"}


@pytest.mark.parametrize(("ledger_type", "payload", "event", "orgs"), [
    ("order.requested", PARTIES, "order.requested", ("org_b", "org_p")),
    ("order.accepted", PARTIES, "order.accepted", ("org_b", "org_p")),
    ("order.paid", PARTIES, "order.paid", ("org_b", "org_p")),
    ("grant.issued", {"buyer_org_id": "org_b"}, "grant.issued", ("org_b",)),
    ("grant.revoked", {"buyer_org_id": "org_b"}, "grant.revoked", ("org_b",)),
    ("order.disputed", PARTIES, "dispute.opened", ("org_b", "org_p")),
    ("order.settled", {**PARTIES, "dispute_id": "dsp_1"}, "dispute.ruled", ("org_b", "org_p")),
    ("order.refunded", {**PARTIES, "dispute_id": "dsp_1"}, "dispute.ruled", ("org_b", "org_p")),
    ("payout.paid", {"payout_id": "pay_1", "org_id": "org_p"}, "payout.paid", ("org_p",)),
])
def test_routed_events(ledger_type: str, payload: dict[str, object], event: str,
                       orgs: tuple[str, ...]) -> None:
    found = route(ledger_type, payload)
    assert found is not None
    assert (found.event, found.org_ids) == (WebhookEventType(event), orgs)


@pytest.mark.parametrize(("ledger_type", "payload"), [
    ("order.settled", PARTIES),  # settled without a dispute: not a ruling
    ("asset.registered", {"owner_org_id": "org_p"}),
    ("order.paid", {}),  # nobody to tell
])
def test_events_webhooks_do_not_carry(ledger_type: str, payload: dict[str, object]) -> None:
    assert route(ledger_type, payload) is None


def test_backoff_doubles_up_to_the_cap() -> None:
    policy = RetryPolicy(base_seconds=10, cap_seconds=60)
    assert [policy.delay_after(n) for n in range(1, 6)] == [10, 20, 40, 60, 60]


def test_only_2xx_counts_as_received() -> None:
    assert [is_success(c) for c in (200, 204, 299, 301, 404, 500)] == [
        True, True, True, False, False, False]
