"""Which events an organisation's webhooks hear of, who hears each, and when a failed
delivery is tried again (pure, no I/O).

Most webhook events follow a ledger event the exchange records (:func:`route`): the
organisations named in its payload are told. Two come from elsewhere: the sweeper's
``order.deadline_near`` and the catalog-revision check's ``dataset.revised``; and
``payout.paid`` is either routed from a ``payout.paid`` ledger event or emitted by
:func:`services.exchange.notifications.service.notify_payout_paid`.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class WebhookEventType(StrEnum):
    """The event types a webhook can subscribe to."""

    ORDER_REQUESTED = "order.requested"
    ORDER_ACCEPTED = "order.accepted"
    ORDER_PAID = "order.paid"
    ORDER_DEADLINE_NEAR = "order.deadline_near"
    GRANT_ISSUED = "grant.issued"
    GRANT_REVOKED = "grant.revoked"
    DISPUTE_OPENED = "dispute.opened"
    DISPUTE_RULED = "dispute.ruled"
    DATASET_REVISED = "dataset.revised"
    PAYOUT_PAID = "payout.paid"


TEST_EVENT = "webhook.test"
"""Sent only by "send test event", to that webhook, whatever it subscribed to."""

BOTH_PARTIES = ("buyer_org_id", "provider_org_id")
BUYER = ("buyer_org_id",)
PAYEE = ("org_id", "provider_org_id")

# Ledger event type -> (webhook event, payload fields naming the organisations told).
_ROUTES: dict[str, tuple[WebhookEventType, tuple[str, ...]]] = {
    "order.requested": (WebhookEventType.ORDER_REQUESTED, BOTH_PARTIES),
    "order.accepted": (WebhookEventType.ORDER_ACCEPTED, BOTH_PARTIES),
    "order.paid": (WebhookEventType.ORDER_PAID, BOTH_PARTIES),
    "grant.issued": (WebhookEventType.GRANT_ISSUED, BUYER),
    "grant.revoked": (WebhookEventType.GRANT_REVOKED, BUYER),
    "order.disputed": (WebhookEventType.DISPUTE_OPENED, BOTH_PARTIES),
    "dispute.opened": (WebhookEventType.DISPUTE_OPENED, BOTH_PARTIES),
    "dispute.ruled": (WebhookEventType.DISPUTE_RULED, BOTH_PARTIES),
    "payout.paid": (WebhookEventType.PAYOUT_PAID, PAYEE),
}
# A ruling settles or refunds the order; those events carry the dispute's id.
_RULING_OUTCOMES = frozenset({"order.settled", "order.refunded"})


@dataclass(frozen=True)
class Route:
    """A webhook event and the organisations it is for."""

    event: WebhookEventType
    org_ids: tuple[str, ...]


def _orgs(payload: dict[str, object], fields: tuple[str, ...]) -> tuple[str, ...]:
    found: list[str] = []
    for name in fields:
        value = payload.get(name)
        if isinstance(value, str) and value and value not in found:
            found.append(value)
    return tuple(found)


def route(ledger_type: str, payload: dict[str, object]) -> Route | None:
    """The webhook event a ledger event becomes, and who is told; None when webhooks do
    not carry it."""
    if ledger_type in _RULING_OUTCOMES:
        if not payload.get("dispute_id"):
            return None
        return Route(WebhookEventType.DISPUTE_RULED, _orgs(payload, BOTH_PARTIES))
    found = _ROUTES.get(ledger_type)
    if found is None:
        return None
    event, fields = found
    orgs = _orgs(payload, fields)
    return Route(event, orgs) if orgs else None


@dataclass(frozen=True)
class RetryPolicy:
    """How long to wait between delivery attempts, and when to give up."""

    base_seconds: float = 10.0
    cap_seconds: float = 3600.0
    max_attempts: int = 30
    lease_seconds: float = 60.0
    timeout_seconds: float = 5.0

    def delay_after(self, attempts: int) -> float:
        """Seconds to wait after the ``attempts``-th failed attempt: ``base``, doubling
        each time, never more than ``cap``."""
        return float(min(self.base_seconds * (2 ** max(attempts - 1, 0)), self.cap_seconds))


def is_success(status_code: int) -> bool:
    """A delivery counts as received only on a 2xx answer."""
    return 200 <= status_code < 300
