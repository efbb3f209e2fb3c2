"""The transactional outbox: ledger events written with the change they record.

A service calls :meth:`Outbox.record` inside the transaction that makes a change, so
the event exists if and only if the change does. :class:`OutboxRelay` later delivers
undelivered events to the audit service in order and in batches, retrying with
backoff while the audit service is away; the audit service is idempotent on
``event_id``, so an event delivered twice (a crash between delivery and marking) is
still recorded once.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from services.shared.database import Database
from services.shared.events import EventRecord
from services.shared.keyring import KeyRing, SigningKey
from services.shared.orm import UTCDateTime, utcnow
from services.shared.personal import check_payload
from services.shared.settings import ServiceSettings

log = logging.getLogger(__name__)

AutoId = BigInteger().with_variant(Integer, "sqlite")


def outbox_table(metadata: MetaData, name: str = "outbox") -> Table:
    """The outbox table, declared in a service's own metadata."""
    return Table(
        name,
        metadata,
        Column("id", AutoId, primary_key=True, autoincrement=True),
        Column("event_id", String(64), nullable=False, unique=True),
        Column("record", Text, nullable=False),
        Column("kid", String(64), nullable=False),
        Column("signature", String(128), nullable=False),
        Column("created_at", UTCDateTime(), nullable=False),
        Column("attempts", Integer, nullable=False, default=0),
        Column("delivered_at", UTCDateTime(), nullable=True, index=True),
        Column("ledger_seq", BigInteger, nullable=True),
        Column("last_error", Text, nullable=True),
    )


def ledger_keyring(settings: ServiceSettings, source: str) -> KeyRing:
    """The Ed25519 key ring a service signs its ledger events with."""
    return settings.key_ring(f"{source}-ledger", "EdDSA", "ledger-events")


class Outbox:
    """Records a service's ledger events in its own database."""

    def __init__(self, table: Table, *, source: str, keys: KeyRing) -> None:
        self.table = table
        self.source = source
        self.keys = keys
        self._key: SigningKey | None = None

    def signing_key(self) -> SigningKey:
        """The key events are signed with now (created on first use)."""
        if self._key is None:
            self._key = self.keys.ensure()
        return self._key

    def record(
        self,
        session: Session,
        *,
        type: str,
        actor: str,
        subject: str,
        payload: dict[str, Any],
        occurred_at: datetime | None = None,
    ) -> EventRecord:
        """Add a signed event to the current transaction; returns it. A payload with
        personal information raises :class:`PersonalInformation` (the ledger would refuse
        it, and the change it records must not happen without it)."""
        check_payload(payload)
        record = EventRecord.new(
            type=type, source=self.source, actor=actor, subject=subject,
            payload=payload, occurred_at=occurred_at,
        )
        key = self.signing_key()
        session.execute(
            insert(self.table).values(
                event_id=record.event_id,
                record=record.canonical().decode(),
                kid=key.kid,
                signature=record.sign(key),
                created_at=utcnow(),
                attempts=0,
            )
        )
        return record


def backlog(session: Session, table: Table) -> dict[str, Any]:
    """What is waiting for the ledger: how many events, and the oldest one's age, delivery
    attempts and last error (an operator's view of a stuck or lagging relay)."""
    t = table
    waiting = t.c.delivered_at.is_(None)
    pending = int(session.scalar(select(func.count()).select_from(t).where(waiting)) or 0)
    oldest = session.execute(
        select(t.c.event_id, t.c.created_at, t.c.attempts, t.c.last_error)
        .where(waiting).order_by(t.c.id).limit(1)
    ).first()
    if oldest is None:
        return {"pending": 0}
    age = (utcnow() - oldest.created_at).total_seconds()
    return {"pending": pending, "oldest_event_id": oldest.event_id,
            "oldest_age_seconds": round(max(age, 0.0), 3), "attempts": oldest.attempts,
            "last_error": oldest.last_error}


# A delivery function takes entries (record, kid, signature) and returns, for each
# event id, the ledger sequence number it got.
Deliver = Callable[[list[dict[str, Any]]], dict[str, int]]


class OutboxRelay:
    """Delivers one service's outbox to the ledger, oldest first."""

    def __init__(
        self,
        db: Database,
        table: Table,
        deliver: Deliver,
        *,
        batch_size: int = 200,
        min_backoff: float = 0.5,
        max_backoff: float = 30.0,
        idle_wait: float = 0.5,
    ) -> None:
        self.db = db
        self.table = table
        self.deliver = deliver
        self.batch_size = batch_size
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self.idle_wait = idle_wait

    def pending(self) -> int:
        """How many events are waiting for delivery."""
        with self.db.transaction() as session:
            count = session.scalar(
                select(func.count()).select_from(self.table).where(
                    self.table.c.delivered_at.is_(None)
                )
            )
        return int(count or 0)

    def run_once(self) -> int:
        """Deliver at most one batch; returns how many events were delivered.

        No lock is held while the audit service is called, so a slow or absent audit
        service never blocks the writes of the service whose outbox this is. Relays
        always start from the oldest undelivered event and the ledger ignores events it
        already has, so even two relays at once keep the order and record each event
        once.
        """
        t = self.table
        with self.db.transaction() as session:
            rows = session.execute(
                select(t.c.id, t.c.event_id, t.c.record, t.c.kid, t.c.signature)
                .where(t.c.delivered_at.is_(None))
                .order_by(t.c.id)
                .limit(self.batch_size)
            ).all()
        if not rows:
            return 0
        entries = [
            {"record": json.loads(r.record), "kid": r.kid, "signature": r.signature}
            for r in rows
        ]
        try:
            seqs = self.deliver(entries)
        except Exception as exc:
            self._note_failure([r.id for r in rows], exc)
            raise
        now = utcnow()
        with self.db.transaction() as session:
            # One executemany for the batch rather than a statement per event.
            session.connection().execute(
                update(t)
                .where(t.c.id == bindparam("row_id"))
                .values(delivered_at=now, ledger_seq=bindparam("seq"),
                        attempts=t.c.attempts + 1, last_error=None),
                [{"row_id": r.id, "seq": seqs.get(r.event_id)} for r in rows],
            )
        return len(rows)

    def _note_failure(self, ids: list[int], exc: Exception) -> None:
        t = self.table
        with self.db.transaction() as session:
            session.execute(
                update(t).where(t.c.id.in_(ids))
                .values(attempts=t.c.attempts + 1, last_error=str(exc)[:2000])
            )

    def run(self, stop: threading.Event) -> None:
        """Deliver until ``stop`` is set, backing off exponentially while delivery fails."""
        backoff = self.min_backoff
        while not stop.is_set():
            try:
                delivered = self.run_once()
            except Exception as exc:
                log.warning("ledger delivery failed, retrying in %.1fs: %s", backoff, exc)
                stop.wait(backoff)
                backoff = min(backoff * 2, self.max_backoff)
                continue
            backoff = self.min_backoff
            if delivered < self.batch_size:
                stop.wait(self.idle_wait)
