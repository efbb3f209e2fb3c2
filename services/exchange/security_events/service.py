"""Recording, reading and pruning security events.

Any part of the exchange records an event with :func:`record_security_event`, in the
session of the change it describes (so the event commits, or rolls back, with it). A
refused attempt whose request transaction rolls back records its event in a transaction
of its own with :func:`record_security_event_now`. Events carry ids, usernames the
caller typed only as hashes, source addresses and outcomes; never secrets.

Event types in use (``docs/ledger-events.md`` lists which also reach the ledger):
``sign_in.succeeded``, ``sign_in.failed``, ``sign_in.throttled``, ``sign_in.locked``,
``sign_in.unlocked``, ``api_key.created``, ``api_key.revoked``, ``user.role_changed``,
``user.disabled``, ``user.enabled``, ``user.password_changed``,
``organization.approved``, ``organization.rejected``, ``privileged.decision`` (every
successful change made by an operator or regulator), and whatever MFA, refresh-token
and suspension code records (``mfa.*``, ``token.*``, ``organization.suspended``...).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from services.exchange.security_events import repository
from services.exchange.security_events.repository import EventFilter
from services.exchange.security_events.tables import SecurityEvent
from services.shared.database import Database
from services.shared.orm import utcnow

MIN_RETENTION_DAYS = 180


def record_security_event(
    session: Session, type: str, *, actor: str, outcome: str = "success",
    org_id: str | None = None, subject: str | None = None, source: str | None = None,
    details: dict[str, Any] | None = None, occurred_at: datetime | None = None,
) -> SecurityEvent:
    """Add one event to the log in ``session``'s transaction.

    ``type`` is a dotted name (``mfa.enrolled``); ``actor`` the subject id of who acted
    (``anonymous`` when nobody signed in); ``org_id`` the organisation concerned;
    ``subject`` what was acted on (a user, key or organisation id); ``source`` the
    client address; ``outcome`` ``success``, ``failure`` or ``refused``; ``details``
    small JSON of ids and counts, never secrets or personal data.
    """
    event = SecurityEvent(occurred_at=occurred_at or utcnow(), type=type, outcome=outcome,
                          actor=actor[:64], org_id=org_id, subject=subject,
                          source=source[:64] if source else None, details=details or {})
    session.add(event)
    return event


def record_security_event_now(db: Database, type: str, **fields: Any) -> None:
    """Record an event in a transaction of its own, committed at once (for refusals
    whose request transaction rolls back)."""
    with db.transaction() as session:
        record_security_event(session, type, **fields)


def events(session: Session, where: EventFilter, *, before: int | None,
           limit: int) -> list[SecurityEvent]:
    """A page of events, newest first."""
    return list(repository.page(session, where, before=before, limit=limit))


def prune(session: Session, *, retention_days: int, now: datetime | None = None) -> int:
    """Delete events older than the retention period, never younger than
    :data:`MIN_RETENTION_DAYS` whatever the setting says; returns how many."""
    keep = timedelta(days=max(retention_days, MIN_RETENTION_DAYS))
    return repository.delete_before(session, (now or utcnow()) - keep)
