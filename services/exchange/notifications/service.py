"""Webhook rules: members add, list and remove their organisation's webhooks, read the
recent deliveries and send a test event; the exchange queues notices of deadlines and
payouts here.

Every notification is a row written in the transaction of what it reports; the
dispatcher (:mod:`services.exchange.notifications.dispatcher`) sends them.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.market.notifications import TEST_EVENT, WebhookEventType
from services.exchange.market.statuses import OrderState, WebhookStatus
from services.exchange.notifications import repository
from services.exchange.notifications.fanout import payout_dedupe_key
from services.exchange.notifications.tables import Webhook, WebhookDelivery, WebhookEvent
from services.exchange.orders.tables import Order
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import text_sha256
from services.shared.events import rfc3339
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import Conflict, Forbidden, InvalidInput, NotFound

MAX_WEBHOOKS_PER_ORG = 10
MEMBER_ROLES = ("provider", "buyer")

# Which order deadlines are announced, and to whom: the party that must act before it.
_DEADLINES: dict[OrderState, tuple[str, str]] = {
    OrderState.REQUESTED: ("answer", "provider_org_id"),
    OrderState.ACCEPTED: ("payment", "buyer_org_id"),
    OrderState.PAID: ("acceptance", "buyer_org_id"),
    OrderState.DELIVERED: ("acceptance", "buyer_org_id"),
}


def _member_org(actor: Principal) -> str:
    if actor.org is None or not actor.has_role(*MEMBER_ROLES):
        raise Forbidden("webhooks belong to member organisations (providers and buyers)",
                        slug="members-only")
    return actor.org


def check_url(url: str, *, require_https: bool) -> str:
    """The URL a webhook posts to: http(s) with a host, no credentials, no fragment."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput("url must be an absolute http:// or https:// URL with a host",
                           slug="invalid-webhook-url")
    if require_https and parts.scheme != "https":
        raise InvalidInput("url must use https:// in production", slug="invalid-webhook-url")
    if parts.username or parts.password:
        raise InvalidInput("url must not carry credentials; the signature authenticates",
                           slug="invalid-webhook-url")
    if parts.fragment:
        raise InvalidInput("url must not have a #fragment", slug="invalid-webhook-url")
    return url


def create_webhook(uow: UnitOfWork, *, url: str, events: Sequence[str], description: str,
                   actor: Principal, require_https: bool) -> Webhook:
    """A new webhook for the caller's organisation, with a fresh secret (returned once)."""
    org_id = _member_org(actor)
    check_url(url, require_https=require_https)
    if len(repository.org_webhooks(uow.session, org_id)) >= MAX_WEBHOOKS_PER_ORG:
        raise Conflict(f"an organisation has at most {MAX_WEBHOOKS_PER_ORG} webhooks; "
                       "remove one first", slug="too-many-webhooks")
    hook = Webhook(id=new_id("whk"), org_id=org_id, url=url, events=sorted(set(events)),
                   secret="whsec_" + secrets.token_urlsafe(32), description=description,
                   status=WebhookStatus.ACTIVE.value, created_by=actor.subject,
                   created_at=utcnow())
    uow.session.add(hook)
    uow.record(type="webhook.created", actor=actor.subject, subject=hook.id,
               payload={"webhook_id": hook.id, "org_id": org_id, "events": hook.events,
                        "url_sha256": text_sha256(url)})
    return hook


def list_webhooks(session: Session, actor: Principal) -> Sequence[Webhook]:
    """The caller's organisation's active webhooks."""
    return repository.org_webhooks(session, _member_org(actor))


def own_webhook(session: Session, webhook_id: str, actor: Principal) -> Webhook:
    """One of the caller's organisation's active webhooks (404 for anyone else's)."""
    org_id = _member_org(actor)
    hook = session.get(Webhook, webhook_id)
    if hook is None or hook.org_id != org_id or hook.status != WebhookStatus.ACTIVE:
        raise NotFound(f"no webhook {webhook_id}")
    return hook


def remove_webhook(uow: UnitOfWork, *, webhook_id: str, actor: Principal) -> Webhook:
    """Stop a webhook: it hears of nothing more and its unsent deliveries are cancelled;
    its delivery history stays."""
    hook = own_webhook(uow.session, webhook_id, actor)
    hook.status, hook.removed_at = WebhookStatus.REMOVED.value, utcnow()
    cancelled = repository.cancel_pending(uow.session, hook.id)
    uow.record(type="webhook.removed", actor=actor.subject, subject=hook.id,
               payload={"webhook_id": hook.id, "org_id": hook.org_id,
                        "cancelled_deliveries": cancelled})
    return hook


def deliveries(session: Session, *, webhook_id: str, actor: Principal,
               limit: int) -> Sequence[tuple[WebhookDelivery, WebhookEvent]]:
    """A webhook's recent deliveries, newest first."""
    hook = own_webhook(session, webhook_id, actor)
    return repository.recent_deliveries(session, hook.id, limit)


def send_test_event(session: Session, *, webhook_id: str, actor: Principal) -> WebhookEvent:
    """Queue a ``webhook.test`` event for one webhook (sent like any other)."""
    hook = own_webhook(session, webhook_id, actor)
    event = repository.enqueue(session, event_type=TEST_EVENT, subject=hook.id,
                               data={"webhook_id": hook.id, "org_id": hook.org_id},
                               webhooks=[hook])
    assert event is not None  # one webhook, no dedupe key
    return event


def notify_payout_paid(session: Session, *, payout_id: str, org_id: str, amount_fen: int,
                       ledger_event_id: str | None = None) -> WebhookEvent | None:
    """Tell ``org_id``'s webhooks that payout ``payout_id`` was paid to its bank account.

    Call it in the transaction that marks the payout paid. A ``payout.paid`` ledger
    event recorded through :meth:`UnitOfWork.record` whose payload names ``payout_id``
    and ``org_id`` (or ``provider_org_id``) notifies by itself; calling this as well is
    harmless: either way an organisation hears of a payout once.
    """
    hooks = repository.subscribed(session, [org_id], WebhookEventType.PAYOUT_PAID.value)
    return repository.enqueue(
        session, event_type=WebhookEventType.PAYOUT_PAID.value, subject=payout_id,
        data={"payout_id": payout_id, "org_id": org_id, "amount_fen": amount_fen},
        webhooks=hooks, ledger_event_id=ledger_event_id,
        dedupe_key=payout_dedupe_key(payout_id))


def notice_deadlines(session: Session, *, now: datetime, window: timedelta,
                     limit: int = 500) -> int:
    """Queue ``order.deadline_near`` for orders whose deadline falls within ``window``
    of ``now``, to the party that must act; each deadline is announced once."""
    orders = session.scalars(
        select(Order).where(Order.due_at > now, Order.due_at <= now + window,
                            Order.status.in_([s.value for s in _DEADLINES]))
        .order_by(Order.due_at).limit(limit)).all()
    sent = 0
    for order in orders:
        assert order.due_at is not None
        deadline, party = _DEADLINES[OrderState(order.status)]
        org_id = order.buyer_org_id if party == "buyer_org_id" else order.provider_org_id
        hooks = repository.subscribed(session, [org_id],
                                      WebhookEventType.ORDER_DEADLINE_NEAR.value)
        due = rfc3339(order.due_at)
        with session.begin_nested():
            event = repository.enqueue(
                session, event_type=WebhookEventType.ORDER_DEADLINE_NEAR.value,
                subject=order.id, webhooks=hooks,
                data={"order_id": order.id, "status": order.status, "deadline": deadline,
                      "due_at": due, "buyer_org_id": order.buyer_org_id,
                      "provider_org_id": order.provider_org_id},
                dedupe_key=f"deadline:{order.id}:{order.status}:{due}")
        sent += event is not None
    return sent
