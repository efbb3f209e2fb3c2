"""The sequencer: the one place where entries get their sequence numbers.

Requests hand verified entries to :meth:`Sequencer.append` (a thread that waits) or
:meth:`Sequencer.append_async` (a coroutine that awaits, so the event loop needs no
worker thread per request). One thread per process takes everything queued at that
moment and integrates it in a single transaction (group commit): it locks the log's
state through :mod:`~services.audit.ledger.storage`, lets
:mod:`~services.audit.ledger.integration` drop duplicates and seal the rest onto the hash
chain and the tree's right edge, writes the rows, has
:mod:`~services.audit.ledger.publishing` sign a checkpoint when one is due, and commits
before any waiting request is answered. The state lock makes appends from several audit
processes form one dense chain.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import sys
import threading
import time
from concurrent.futures import Future
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.audit.ledger.integration import (
    AppendResult,
    Candidate,
    EventConflict,
    integrate,
)
from services.audit.ledger.publishing import CheckpointPublisher, checkpoint_due
from services.audit.ledger.storage import LogState, LogStorage, LogTransaction
from services.shared.events import rfc3339
from services.shared.orm import utcnow
from services.shared.problems import Conflict, ServiceUnavailable

log = logging.getLogger(__name__)


Outcome = list[AppendResult] | BaseException


@dataclass
class _Submission:
    """Entries to append together, and who is waiting for the outcome: a thread (on
    ``future``) or a coroutine (on ``waiter``, which belongs to ``loop``)."""

    candidates: list[Candidate]
    checkpoint: bool = False
    future: Future[list[AppendResult]] | None = None
    loop: asyncio.AbstractEventLoop | None = None
    waiter: asyncio.Future[list[AppendResult]] | None = None


def _resolve(outcomes: list[tuple[asyncio.Future[list[AppendResult]], Outcome]]) -> None:
    """Answer waiting coroutines (runs on their event loop)."""
    for waiter, outcome in outcomes:
        if waiter.done():  # it gave up waiting
            continue
        if isinstance(outcome, BaseException):
            waiter.set_exception(outcome)
        else:
            waiter.set_result(outcome)


def _deliver(batch: list[_Submission], outcomes: list[Outcome]) -> None:
    """Hand each submission its outcome: one wake-up per event loop, not per request."""
    by_loop: dict[asyncio.AbstractEventLoop,
                  list[tuple[asyncio.Future[list[AppendResult]], Outcome]]] = {}
    for submission, outcome in zip(batch, outcomes, strict=True):
        if submission.loop is not None and submission.waiter is not None:
            by_loop.setdefault(submission.loop, []).append((submission.waiter, outcome))
        elif submission.future is not None:
            if isinstance(outcome, BaseException):
                submission.future.set_exception(outcome)
            else:
                submission.future.set_result(outcome)
    for loop, items in by_loop.items():
        try:
            loop.call_soon_threadsafe(_resolve, items)
        except RuntimeError:  # the loop is closed: nobody is waiting any more
            log.warning("an event loop closed before its appends were answered")


class Sequencer:
    """Integrates entries into the log in batches, one transaction per batch."""

    def __init__(
        self,
        storage: LogStorage,
        publisher: CheckpointPublisher,
        *,
        checkpoint_every: int = 1000,
        checkpoint_interval: float = 10.0,
        max_batch: int = 5000,
    ) -> None:
        self.storage = storage
        self.publisher = publisher
        self.checkpoint_every = checkpoint_every
        self.checkpoint_interval = checkpoint_interval
        self.max_batch = max_batch
        self._queue: queue.Queue[_Submission | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._last_checkpoint_check = time.monotonic()

    def start(self) -> None:
        """Start the sequencing thread."""
        # Each batch makes a few database round trips, and after each one the sequencer
        # must win the GIL back from request threads busy verifying signatures; with the
        # default 5 ms switch interval that wait, not the database, bounded throughput.
        sys.setswitchinterval(0.0005)
        if self._thread is None:
            self.publisher.prepare()
            self._thread = threading.Thread(target=self._run, name="sequencer", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Finish what is queued, then stop."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout=30)
            self._thread = None

    def append(self, candidates: list[Candidate], *, timeout: float = 30.0) -> list[AppendResult]:
        """Append entries atomically and durably; returns each one's place in the log."""
        return self._submit(_Submission(candidates), timeout)

    async def append_async(
        self, candidates: list[Candidate], *, timeout: float = 30.0
    ) -> list[AppendResult]:
        """:meth:`append` for a coroutine: awaits the commit without holding a thread."""
        self._require_started()
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[list[AppendResult]] = loop.create_future()
        self._queue.put(_Submission(candidates, loop=loop, waiter=waiter))
        try:
            async with asyncio.timeout(timeout):
                return await waiter
        except EventConflict as exc:
            raise _conflict(exc) from exc
        except TimeoutError as exc:
            raise ServiceUnavailable("the ledger did not answer in time") from exc

    def checkpoint_now(self, *, timeout: float = 30.0) -> None:
        """Sign a checkpoint of the current tree if it has grown since the last one."""
        self._submit(_Submission([], checkpoint=True), timeout)

    def _require_started(self) -> None:
        if self._thread is None:
            raise ServiceUnavailable("the ledger is not accepting entries", slug="not-started")

    def _submit(self, submission: _Submission, timeout: float) -> list[AppendResult]:
        self._require_started()
        future: Future[list[AppendResult]] = Future()
        submission.future = future
        self._queue.put(submission)
        try:
            return future.result(timeout)
        except EventConflict as exc:
            raise _conflict(exc) from exc
        except TimeoutError as exc:
            raise ServiceUnavailable("the ledger did not answer in time") from exc

    # --- the sequencing thread ------------------------------------------------------------

    def _run(self) -> None:
        stopping = False
        while not stopping:
            try:
                first = self._queue.get(timeout=max(self.checkpoint_interval / 4, 0.05))
            except queue.Empty:
                self._maybe_timed_checkpoint()
                continue
            if first is None:
                break
            batch = [first]
            size = len(first.candidates)
            while size < self.max_batch:
                try:
                    more = self._queue.get_nowait()
                except queue.Empty:
                    break
                if more is None:
                    stopping = True
                    break
                batch.append(more)
                size += len(more.candidates)
            self._integrate(batch)
            self._maybe_timed_checkpoint()

    def _integrate(self, batch: list[_Submission]) -> None:
        outcomes: list[Outcome] = []
        started = time.perf_counter()
        try:
            with self.storage.transaction() as tx:
                outcomes = self._integrate_in(tx, batch)
            log.debug("integrated %d submissions in %.1f ms", len(batch),
                      (time.perf_counter() - started) * 1000,
                      extra={"submissions": len(batch),
                             "entries": sum(len(s.candidates) for s in batch)})
        except Exception as exc:  # the whole transaction failed: nothing was appended
            log.exception("ledger batch failed")
            failure = ServiceUnavailable(
                f"the ledger could not store entries: {type(exc).__name__}"
            )
            _deliver(batch, [failure] * len(batch))
            return
        _deliver(batch, outcomes)

    def _integrate_in(self, tx: LogTransaction, batch: list[_Submission]) -> list[Outcome]:
        state, known = tx.begin_append(
            [c.record.event_id for s in batch for c in s.candidates]
        )
        integrated = integrate(
            [s.candidates for s in batch], frontier=state.frontier, head_hash=state.head_hash,
            known=known, recorded_at=rfc3339(utcnow()),
        )
        frontier = integrated.frontier
        sign = checkpoint_due(tree_size=frontier.size, checkpoint_size=state.checkpoint_size,
                              every=self.checkpoint_every,
                              asked=any(s.checkpoint for s in batch))
        if integrated.entries or sign:
            tx.finish_append(
                integrated.entries, integrated.nodes,
                LogState(frontier, integrated.head_hash,
                         frontier.size if sign else state.checkpoint_size),
                commit=not sign,
            )
        if sign:
            self.publisher.publish(tx, frontier, tx.latest_checkpoint())
        return list(integrated.outcomes)

    def _maybe_timed_checkpoint(self) -> None:
        now = time.monotonic()
        if now - self._last_checkpoint_check < self.checkpoint_interval:
            return
        self._last_checkpoint_check = now
        try:
            with self.storage.transaction() as tx:
                state = tx.lock_state()
                if state.tree_size == state.checkpoint_size:
                    return
                last = tx.latest_checkpoint()
                if last is not None:
                    age = utcnow() - datetime.fromisoformat(last.timestamp)
                    if age < timedelta(seconds=self.checkpoint_interval):
                        return
                self.publisher.publish(tx, state.frontier, last)
                tx.save_state(LogState(state.frontier, state.head_hash, state.tree_size))
        except Exception:
            log.exception("timed checkpoint failed")


def _conflict(exc: EventConflict) -> Conflict:
    return Conflict(
        f"event {exc.event_id} is already in the ledger with other content",
        slug="event-conflict",
        event_id=exc.event_id,
    )
