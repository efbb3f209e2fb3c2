"""The sequencer: the one place where entries get their sequence numbers.

Requests hand verified entries to :meth:`Sequencer.append` (a thread that waits) or
:meth:`Sequencer.append_async` (a coroutine that awaits, so the event loop needs no
worker thread per request). One thread per process takes everything queued at that
moment and integrates it in a single transaction (group commit): it locks the state
row, drops entries the log already has (same event id and content; other content is a
conflict), seals the rest onto the hash chain, stores the new Merkle nodes from the
tree's right edge, signs a checkpoint when one is due, and commits before any waiting
request is answered. The state-row lock makes appends from several audit processes
form one dense chain.
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
from typing import NamedTuple

from sqlalchemy import insert
from sqlalchemy.orm import Session

from services.audit.ledger import repository
from services.audit.ledger.checkpoint import Checkpoint
from services.audit.ledger.entry import seal_text
from services.audit.ledger.merkle import (
    Frontier,
    Node,
    check_consistency,
    consistency_proof,
    root_from_frontier,
)
from services.audit.ledger.tables import CheckpointRow
from services.shared.database import Database
from services.shared.events import EventRecord, rfc3339
from services.shared.keyring import KeyRing
from services.shared.orm import utcnow
from services.shared.problems import Conflict, ServiceUnavailable

log = logging.getLogger(__name__)


class Candidate(NamedTuple):
    """A verified entry waiting for its sequence number."""

    record: EventRecord
    record_text: str
    kid: str
    signature: str
    occurred_at: datetime


class AppendResult(NamedTuple):
    """Where an event is in the log, and whether this request put it there."""

    event_id: str
    seq: int
    entry_hash: str
    created: bool


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


class _EventConflict(Exception):
    def __init__(self, event_id: str) -> None:
        super().__init__(event_id)
        self.event_id = event_id


class Sequencer:
    """Integrates entries into the log in batches, one transaction per batch."""

    def __init__(
        self,
        db: Database,
        ledger_keys: KeyRing,
        *,
        checkpoint_every: int = 1000,
        checkpoint_interval: float = 10.0,
        max_batch: int = 5000,
    ) -> None:
        self.db = db
        self.ledger_keys = ledger_keys
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
            self.ledger_keys.ensure()
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
        except _EventConflict as exc:
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
        except _EventConflict as exc:
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
            with self.db.transaction() as session:
                outcomes = self._integrate_in(session, batch)
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

    def _integrate_in(self, session: Session, batch: list[_Submission]) -> list[Outcome]:
        state, existing = repository.begin_append(
            session, [c.record.event_id for s in batch for c in s.candidates]
        )
        frontier = repository.frontier_of(state)
        head = state.head_hash
        known: dict[str, tuple[str, int, str]] = {
            e: (r.record, r.seq, r.entry_hash) for e, r in existing.items()
        }
        recorded_at = rfc3339(utcnow())
        rows: list[repository.EntryRow] = []
        nodes: list[Node] = []
        outcomes: list[Outcome] = []
        want_checkpoint = False
        for submission in batch:
            want_checkpoint = want_checkpoint or submission.checkpoint
            results: list[AppendResult] = []
            staged: list[repository.EntryRow] = []
            leaves: list[bytes] = []
            local: dict[str, tuple[str, int, str]] = {}
            sub_head = head
            try:
                for c in submission.candidates:
                    record = c.record
                    event_id = record.event_id
                    prior = local.get(event_id) or known.get(event_id)
                    if prior is not None:
                        if prior[0] != c.record_text:
                            raise _EventConflict(event_id)
                        results.append(AppendResult(event_id, prior[1], prior[2], False))
                        continue
                    seq = frontier.size + len(leaves)
                    _, entry_hash, leaf = seal_text(
                        seq=seq, record_text=c.record_text, kid=c.kid, signature=c.signature,
                        recorded_at=recorded_at, prev_hash=sub_head,
                    )
                    leaves.append(leaf)
                    local[event_id] = (c.record_text, seq, entry_hash)
                    # In repository.ENTRY_COLUMNS order.
                    staged.append((
                        seq, event_id, record.type, record.source, record.actor,
                        record.subject, c.occurred_at, recorded_at, c.record_text, c.kid,
                        c.signature, sub_head, entry_hash, leaf.hex(),
                    ))
                    sub_head = entry_hash
                    results.append(AppendResult(event_id, seq, entry_hash, True))
            except _EventConflict as conflict:
                outcomes.append(conflict)
                continue
            appended = frontier.append(leaves)
            frontier = appended.frontier
            nodes.extend(appended.nodes)
            rows.extend(staged)
            known.update(local)
            head = sub_head
            outcomes.append(results)
        grown = frontier.size - state.checkpoint_size
        sign = grown > 0 and (want_checkpoint or grown >= self.checkpoint_every)
        if rows or sign:
            repository.finish_append(
                session, rows, nodes, tree_size=frontier.size, head_hash=head,
                frontier=frontier,
                checkpoint_size=frontier.size if sign else state.checkpoint_size,
                commit=not sign,
            )
        if sign:
            self._sign_checkpoint(session, frontier, repository.latest_checkpoint(session))
        return outcomes

    def _maybe_timed_checkpoint(self) -> None:
        now = time.monotonic()
        if now - self._last_checkpoint_check < self.checkpoint_interval:
            return
        self._last_checkpoint_check = now
        try:
            with self.db.transaction() as session:
                state = repository.lock_state(session)
                if state.tree_size == state.checkpoint_size:
                    return
                last = repository.latest_checkpoint(session)
                if last is not None:
                    age = utcnow() - datetime.fromisoformat(last.timestamp)
                    if age < timedelta(seconds=self.checkpoint_interval):
                        return
                frontier = repository.frontier_of(state)
                self._sign_checkpoint(session, frontier, last)
                repository.save_state(session, tree_size=state.tree_size,
                                      head_hash=state.head_hash, frontier=frontier,
                                      checkpoint_size=state.tree_size)
        except Exception:
            log.exception("timed checkpoint failed")

    def _sign_checkpoint(
        self, session: Session, frontier: Frontier, last: CheckpointRow | None
    ) -> None:
        root = root_from_frontier(frontier)
        path: list[bytes] = []
        if last is not None:
            # Prove, before signing, that the new tree extends the last signed one.
            path = consistency_proof(repository.SessionNodeReader(session), last.tree_size,
                                     frontier.size)
            check_consistency(last.tree_size, frontier.size, bytes.fromhex(last.root_hash),
                              root, path)
        moment = utcnow()
        if last is not None:
            moment = max(moment, datetime.fromisoformat(last.timestamp) + timedelta(microseconds=1))
        checkpoint = Checkpoint(tree_size=frontier.size, root_hash=root.hex(),
                                timestamp=rfc3339(moment))
        key = self.ledger_keys.active()
        session.execute(
            insert(CheckpointRow).values(
                tree_size=checkpoint.tree_size,
                root_hash=checkpoint.root_hash,
                timestamp=checkpoint.timestamp,
                kid=key.kid,
                signature=checkpoint.sign(key),
                previous_size=last.tree_size if last else None,
                consistency_path=_json_hex(path),
                created_at=utcnow(),
            )
        )


def _json_hex(path: list[bytes]) -> str:
    import json

    return json.dumps([h.hex() for h in path])


def _conflict(exc: _EventConflict) -> Conflict:
    return Conflict(
        f"event {exc.event_id} is already in the ledger with other content",
        slug="event-conflict",
        event_id=exc.event_id,
    )
