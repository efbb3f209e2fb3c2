"""Turns the ledger events a unit of work records into webhook notifications, in the
same transaction (called by :meth:`services.exchange.unit_of_work.UnitOfWork.record`).

Nothing here calls out: a notification is a row, sent later by the dispatcher, so a
receiver that is slow or down never holds up a trade.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from services.exchange.market.notifications import WebhookEventType, route
from services.exchange.notifications.repository import enqueue, subscribed
from services.shared.events import EventRecord


def payout_dedupe_key(payout_id: str) -> str:
    """The key that makes a payout's notice be sent once, whichever path raises it."""
    return f"payout.paid:{payout_id}"


def notify_ledger_event(session: Session, record: EventRecord) -> None:
    """Queue the webhook event ``record`` becomes, for the organisations it concerns."""
    found = route(record.type, record.payload)
    if found is None:
        return
    dedupe_key = None
    payout_id = record.payload.get("payout_id")
    if found.event is WebhookEventType.PAYOUT_PAID and isinstance(payout_id, str):
        dedupe_key = payout_dedupe_key(payout_id)
    hooks = subscribed(session, found.org_ids, found.event.value)
    enqueue(session, event_type=found.event.value, subject=record.subject,
            data=dict(record.payload), webhooks=hooks, ledger_event_id=record.event_id,
            dedupe_key=dedupe_key)
