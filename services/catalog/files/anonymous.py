"""Anonymous access to open data, logged in aggregate: one ledger entry per client per
dataset per period, with a count, rather than one per request.

A client is a keyed hash of its address (the key is the service's secret: the ledger
never holds an address, and the hash cannot be reversed by trying every IPv4 address).
Each anonymous download or rows page adds to its (client, dataset, period) counter; once
a period has closed, the next anonymous access writes one ``data.accessed_anonymously``
entry per counter of closed periods (a batch at a time) and marks them recorded.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.catalog.files.tables import AnonymousAccess
from services.shared.orm import utcnow
from services.shared.outbox import Outbox

FLUSH_BATCH = 200


@dataclass(frozen=True)
class AnonymousAccessLog:
    """How anonymous accesses are counted: the hashing key and the period's length."""

    secret: str
    period_seconds: int = 3600

    def client(self, address: str) -> str:
        """The keyed hash that stands for a client address."""
        return hmac.new(self.secret.encode(), address.encode(), hashlib.sha256).hexdigest()

    def period_of(self, moment: datetime) -> datetime:
        """The start of the period ``moment`` falls in."""
        epoch = int(moment.timestamp())
        return datetime.fromtimestamp(epoch - epoch % self.period_seconds, UTC)

    def count(self, session: Session, outbox: Outbox, *, dataset_id: str, address: str,
              bytes_sent: int, rows: int, now: datetime | None = None) -> None:
        """Add one access to its counter, then record the periods that have closed."""
        moment = now or utcnow()
        period = self.period_of(moment)
        values = {"client_sha256": self.client(address), "dataset_id": dataset_id,
                  "period_start": period, "period_seconds": self.period_seconds, "count": 1,
                  "bytes_sent": bytes_sent, "rows_read": rows}
        insert = (postgresql_insert if session.get_bind().dialect.name == "postgresql"
                  else sqlite_insert)
        statement = insert(AnonymousAccess).values(**values)
        session.execute(statement.on_conflict_do_update(
            index_elements=["client_sha256", "dataset_id", "period_start"],
            set_={"count": AnonymousAccess.count + 1,
                  "bytes_sent": AnonymousAccess.bytes_sent + bytes_sent,
                  "rows_read": AnonymousAccess.rows_read + rows}))
        self.record_closed(session, outbox, now=moment)

    def record_closed(self, session: Session, outbox: Outbox,
                      now: datetime | None = None) -> int:
        """Write the ledger entry of each counter whose period has closed (at most a
        batch); returns how many were written."""
        current = self.period_of(now or utcnow())
        closed = session.scalars(
            select(AnonymousAccess)
            .where(AnonymousAccess.recorded_at.is_(None),
                   AnonymousAccess.period_start < current)
            .order_by(AnonymousAccess.id).limit(FLUSH_BATCH)
            .with_for_update(skip_locked=True)
        ).all()
        for row in closed:
            end = row.period_start + timedelta(seconds=row.period_seconds)
            outbox.record(
                session, type="data.accessed_anonymously", actor="anonymous",
                subject=row.dataset_id,
                payload={"dataset_id": row.dataset_id, "client_sha256": row.client_sha256,
                         "period_start": row.period_start.isoformat(),
                         "period_end": end.isoformat(), "count": row.count,
                         "bytes_sent": row.bytes_sent, "rows": row.rows_read})
        if closed:
            session.execute(update(AnonymousAccess)
                            .where(AnonymousAccess.id.in_([r.id for r in closed]))
                            .values(recorded_at=utcnow()))
        return len(closed)
