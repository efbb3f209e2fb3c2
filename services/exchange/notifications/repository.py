"""Queries and writes of webhooks, their events and deliveries."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.exchange.market.statuses import DeliveryStatus, WebhookStatus
from services.exchange.notifications.tables import Webhook, WebhookDelivery, WebhookEvent
from services.shared.canonical import canonical_json
from services.shared.events import rfc3339
from services.shared.ids import new_id
from services.shared.orm import utcnow


def subscribed(session: Session, org_ids: Sequence[str], event_type: str) -> list[Webhook]:
    """The active webhooks of ``org_ids`` that asked for ``event_type``."""
    if not org_ids:
        return []
    hooks = session.scalars(
        select(Webhook).where(Webhook.org_id.in_(list(org_ids)),
                              Webhook.status == WebhookStatus.ACTIVE.value)
        .order_by(Webhook.id)).all()
    return [h for h in hooks if event_type in h.events]


def enqueue(session: Session, *, event_type: str, subject: str, data: dict[str, Any],
            webhooks: Sequence[Webhook], ledger_event_id: str | None = None,
            dedupe_key: str | None = None) -> WebhookEvent | None:
    """Write an event and one pending delivery per webhook in the current transaction;
    None when there is no webhook to tell, or ``dedupe_key`` was already used."""
    if not webhooks:
        return None
    if dedupe_key is not None and session.scalar(
            select(WebhookEvent.id).where(WebhookEvent.dedupe_key == dedupe_key)):
        return None
    now = utcnow()
    event_id = new_id("wev")
    body = canonical_json({"id": event_id, "type": event_type, "subject": subject,
                           "created_at": rfc3339(now), "ledger_event_id": ledger_event_id,
                           "data": data}).decode()
    event = WebhookEvent(id=event_id, type=event_type, subject=subject, body=body,
                         dedupe_key=dedupe_key, created_at=now)
    session.add(event)
    session.flush()
    for hook in webhooks:
        session.add(WebhookDelivery(
            id=new_id("whd"), webhook_id=hook.id, event_id=event_id, org_id=hook.org_id,
            status=DeliveryStatus.PENDING.value, attempts=0, next_attempt_at=now,
            created_at=now))
    session.flush()
    return event


def org_webhooks(session: Session, org_id: str) -> Sequence[Webhook]:
    """An organisation's active webhooks, oldest first."""
    return session.scalars(select(Webhook).where(
        Webhook.org_id == org_id, Webhook.status == WebhookStatus.ACTIVE.value)
        .order_by(Webhook.id)).all()


def recent_deliveries(session: Session, webhook_id: str,
                      limit: int) -> Sequence[tuple[WebhookDelivery, WebhookEvent]]:
    """A webhook's deliveries, newest first, with their events."""
    rows = session.execute(
        select(WebhookDelivery, WebhookEvent)
        .join(WebhookEvent, WebhookEvent.id == WebhookDelivery.event_id)
        .where(WebhookDelivery.webhook_id == webhook_id)
        .order_by(WebhookDelivery.id.desc()).limit(limit)).all()
    return [(d, e) for d, e in rows]


def cancel_pending(session: Session, webhook_id: str) -> int:
    """Cancel a webhook's deliveries not yet made; returns how many."""
    result = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.webhook_id == webhook_id,
               WebhookDelivery.status == DeliveryStatus.PENDING.value)
        .values(status=DeliveryStatus.CANCELLED.value))
    return int(getattr(result, "rowcount", 0) or 0)


def due_delivery_ids(session: Session, now: datetime, limit: int) -> list[str]:
    """Pending deliveries whose next attempt is due, oldest first."""
    return list(session.scalars(
        select(WebhookDelivery.id)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING.value,
               WebhookDelivery.next_attempt_at <= now)
        .order_by(WebhookDelivery.id).limit(limit)).all())


def claim(session: Session, delivery_id: str, now: datetime, lease_until: datetime) -> bool:
    """Take a due delivery for one attempt: pushes its next attempt to ``lease_until``
    so that no other dispatcher takes it meanwhile; False if another got it first."""
    result = session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id,
               WebhookDelivery.status == DeliveryStatus.PENDING.value,
               WebhookDelivery.next_attempt_at <= now)
        .values(next_attempt_at=lease_until))
    return int(getattr(result, "rowcount", 0) or 0) == 1
