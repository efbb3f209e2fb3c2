"""Sends queued webhook deliveries: signed POSTs, retried with exponential backoff.

A delivery is marked delivered only after its receiver answered 2xx; until then it stays
pending and is tried again (after ``base``, ``2·base``, ``4·base``… seconds, at most
``cap``) until ``max_attempts``, after which it is marked failed and shown as such. Each
attempt takes the delivery with a lease (its next attempt moved ``lease`` seconds
ahead) so that several dispatchers never send it at once; no database lock is held
while the receiver is called. A crash after the receiver's 2xx but before the mark
sends the event again, with the same ``Dataex-Event-Id``: receivers deduplicate on it.

Once a webhook fails in a round, its other deliveries wait for the next round rather
than knocking on a receiver that is down.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from services.exchange.market.notifications import RetryPolicy, is_success
from services.exchange.market.statuses import DeliveryStatus
from services.exchange.notifications import repository
from services.exchange.notifications.tables import Webhook, WebhookDelivery, WebhookEvent
from services.shared.database import Database
from services.shared.orm import utcnow
from services.shared.webhook_signature import signed_headers

log = logging.getLogger(__name__)

USER_AGENT = "dataex-webhooks/1"


@dataclass(frozen=True)
class DispatchReport:
    """What one round did."""

    delivered: int = 0
    retried: int = 0
    failed: int = 0


@dataclass(frozen=True)
class _Attempt:
    delivery_id: str
    webhook_id: str
    url: str
    secret: str
    event_id: str
    event_type: str
    body: bytes
    attempts: int


class WebhookDispatcher:
    """Delivers due webhook deliveries, in rounds (:meth:`run_once`) or in a thread."""

    def __init__(self, db: Database, *, policy: RetryPolicy | None = None,
                 interval: float = 2.0, batch_size: int = 100,
                 client: httpx.Client | None = None) -> None:
        self.db = db
        self.policy = policy or RetryPolicy()
        self.interval = interval
        self.batch_size = batch_size
        self.client = client or httpx.Client(timeout=self.policy.timeout_seconds,
                                             follow_redirects=False,
                                             headers={"User-Agent": USER_AGENT})
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def run_once(self, now: datetime | None = None) -> DispatchReport:
        """Attempt every delivery due at ``now`` (the current time by default)."""
        now = now or utcnow()
        with self.db.transaction() as session:
            due = repository.due_delivery_ids(session, now, self.batch_size)
        delivered = retried = failed = 0
        down: set[str] = set()
        for delivery_id in due:
            attempt = self._claim(delivery_id, now, down)
            if attempt is None:
                continue
            status_code, error = self._post(attempt)
            outcome = self._record(attempt, now, status_code, error)
            if outcome is DeliveryStatus.DELIVERED:
                delivered += 1
                continue
            down.add(attempt.webhook_id)
            if outcome is DeliveryStatus.FAILED:
                failed += 1
            else:
                retried += 1
        return DispatchReport(delivered, retried, failed)

    def _claim(self, delivery_id: str, now: datetime, down: set[str]) -> _Attempt | None:
        lease = now + timedelta(seconds=self.policy.lease_seconds)
        with self.db.transaction() as session:
            delivery = session.get(WebhookDelivery, delivery_id)
            if delivery is None or delivery.webhook_id in down:
                return None
            if not repository.claim(session, delivery_id, now, lease):
                return None
            hook = session.get(Webhook, delivery.webhook_id)
            event = session.get(WebhookEvent, delivery.event_id)
            assert hook is not None and event is not None
            return _Attempt(delivery.id, hook.id, hook.url, hook.secret, event.id, event.type,
                            event.body.encode(), delivery.attempts)

    def _post(self, attempt: _Attempt) -> tuple[int | None, str | None]:
        # Signed with the wall clock (not the round's ``now``): the receiver's replay
        # window is about when the request really left.
        headers = signed_headers(attempt.secret, event_id=attempt.event_id,
                                 event_type=attempt.event_type, body=attempt.body)
        headers["Content-Type"] = "application/json"
        try:
            response = self.client.post(attempt.url, content=attempt.body, headers=headers)
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"[:500]
        if is_success(response.status_code):
            return response.status_code, None
        return response.status_code, f"HTTP {response.status_code}"

    def _record(self, attempt: _Attempt, now: datetime, status_code: int | None,
                error: str | None) -> DeliveryStatus:
        attempts = attempt.attempts + 1
        with self.db.transaction() as session:
            delivery = session.get(WebhookDelivery, attempt.delivery_id)
            assert delivery is not None
            delivery.attempts, delivery.last_status_code = attempts, status_code
            if error is None:
                delivery.status, delivery.delivered_at = DeliveryStatus.DELIVERED.value, now
                delivery.last_error = None
            elif delivery.status != DeliveryStatus.PENDING:
                pass  # cancelled while in flight: keep it cancelled
            elif attempts >= self.policy.max_attempts:
                delivery.status, delivery.last_error = DeliveryStatus.FAILED.value, error
            else:
                delivery.last_error = error
                delivery.next_attempt_at = now + timedelta(
                    seconds=self.policy.delay_after(attempts))
            return DeliveryStatus(delivery.status)

    def start(self) -> None:
        """Deliver in a daemon thread every ``interval`` seconds (no-op when 0)."""
        if self.interval <= 0 or self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="webhook-dispatcher",
                                        daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                report = self.run_once()
                if report.delivered or report.retried or report.failed:
                    log.info("webhooks: %s", report)
            except Exception:
                log.exception("webhook round failed; retrying at the next interval")

    def stop(self) -> None:
        """Stop and wait for the thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def close(self) -> None:
        """Stop and release the HTTP client."""
        self.stop()
        self.client.close()
