"""The exchange's own moves: expire unanswered or unpaid orders, settle orders nobody
disputed within the acceptance window, end grants whose term is over, forget old
idempotency keys.

:func:`sweep_once` handles each due order in its own short transaction, skipping rows
another sweeper holds (several server processes may run one each). :class:`Sweeper`
runs it in a background thread every ``sweep_interval_seconds``.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from services.exchange.grants import service as grants
from services.exchange.idempotency.service import forget_before
from services.exchange.market.statuses import OrderState
from services.exchange.notifications.revisions import notice_revisions
from services.exchange.notifications.service import notice_deadlines
from services.exchange.orders.moves import lock_order
from services.exchange.orders.settlement import expire_order, settle_after_window
from services.exchange.orders.tables import Order
from services.exchange.security_events.service import prune as prune_security_events
from services.exchange.trading.context import Trading
from services.exchange.unit_of_work import UnitOfWork
from services.shared.database import Database
from services.shared.orm import utcnow
from services.shared.outbox import Outbox
from services.shared.problems import Problem

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweepReport:
    """What one sweep did."""

    expired_orders: int
    settled_orders: int
    expired_grants: int
    forgotten_keys: int = 0
    deadline_notices: int = 0
    revision_notices: int = 0
    pruned_security_events: int = 0


def sweep_once(db: Database, outbox: Outbox, trading: Trading, *,
               now: datetime | None = None, limit: int = 500) -> SweepReport:
    """Take every move that is due at ``now`` (the current time by default)."""
    now = now or utcnow()
    with db.transaction() as session:
        due = list(session.scalars(select(Order.id).where(Order.due_at <= now)
                                   .order_by(Order.due_at).limit(limit)).all())
    expired = settled = 0
    for order_id in due:
        try:
            with db.transaction() as session:
                order = lock_order(session, order_id, skip_locked=True)
                if order is None or order.due_at is None or order.due_at > now:
                    continue
                state = OrderState(order.status)
                if state in (OrderState.REQUESTED, OrderState.ACCEPTED):
                    expire_order(UnitOfWork(session, outbox, trading), order, now)
                    expired += 1
                elif state in (OrderState.PAID, OrderState.DELIVERED):
                    settle_after_window(UnitOfWork(session, outbox, trading), order, now)
                    settled += 1
        except Problem as problem:
            log.warning("sweep skipped order %s: %s", order_id, problem.detail)
    with db.transaction() as session:
        ended = grants.expire_due(UnitOfWork(session, outbox, trading), now, limit=limit)
    with db.transaction() as session:
        forgotten = forget_before(
            session, now - timedelta(days=trading.settings.idempotency_key_days))
    with db.transaction() as session:
        notices = notice_deadlines(session, now=now, window=timedelta(
            seconds=trading.settings.webhook_deadline_notice_seconds), limit=limit)
    with db.transaction() as session:
        revised = notice_revisions(session, trading.catalog, now=now, limit=limit)
    with db.transaction() as session:
        pruned = prune_security_events(
            session, retention_days=trading.settings.security_event_retention_days, now=now)
    return SweepReport(expired, settled, ended, forgotten, notices, revised, pruned)


class Sweeper:
    """Runs :func:`sweep_once` periodically in a daemon thread."""

    def __init__(self, db: Database, outbox: Outbox, trading: Trading, interval: float) -> None:
        self.db, self.outbox, self.trading, self.interval = db, outbox, trading, interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start sweeping (no-op when the interval is 0)."""
        if self.interval <= 0 or self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="trading-sweeper", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                report = sweep_once(self.db, self.outbox, self.trading)
                if report.expired_orders or report.settled_orders or report.expired_grants:
                    log.info("sweep: %s", report)
            except Exception:
                log.exception("sweep failed; retrying at the next interval")

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
