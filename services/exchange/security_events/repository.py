"""SQL for the security-event log: filtered pages and pruning, no rules."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from services.exchange.security_events.tables import SecurityEvent


@dataclass(frozen=True)
class EventFilter:
    """What a regulator asks the log for; every field narrows the answer."""

    type: str | None = None
    outcome: str | None = None
    actor: str | None = None
    org_id: str | None = None
    subject: str | None = None
    source: str | None = None
    since: datetime | None = None
    until: datetime | None = None


def page(session: Session, where: EventFilter, *, before: int | None,
         limit: int) -> Sequence[SecurityEvent]:
    """Matching events, newest first; ``before`` is the last id of the previous page."""
    stmt = select(SecurityEvent).order_by(SecurityEvent.id.desc()).limit(limit)
    for column, value in ((SecurityEvent.type, where.type),
                          (SecurityEvent.outcome, where.outcome),
                          (SecurityEvent.actor, where.actor),
                          (SecurityEvent.org_id, where.org_id),
                          (SecurityEvent.subject, where.subject),
                          (SecurityEvent.source, where.source)):
        if value:
            stmt = stmt.where(column == value)
    if where.since is not None:
        stmt = stmt.where(SecurityEvent.occurred_at >= where.since)
    if where.until is not None:
        stmt = stmt.where(SecurityEvent.occurred_at < where.until)
    if before is not None:
        stmt = stmt.where(SecurityEvent.id < before)
    return session.scalars(stmt).all()


def delete_before(session: Session, cutoff: datetime) -> int:
    """Delete events that occurred before ``cutoff``; returns how many."""
    result = session.execute(delete(SecurityEvent).where(SecurityEvent.occurred_at < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
