"""Integration: how a batch of verified entries joins the log. Pure code, no I/O.

Given the log's right edge (its Merkle frontier and chain head) and the entries it
already holds for the batch's event ids, :func:`integrate` drops duplicates (the same
event id with the same record answers with the original place; other content is a
conflict that refuses its whole submission), seals the rest onto the hash chain and
appends their leaves to the frontier. It returns typed rows for storage to write and
one outcome per submission; the sequencer does the locking and the writing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from services.audit.ledger.entry import seal_text
from services.audit.ledger.merkle import Frontier, Node
from services.shared.events import EventRecord


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


class PriorEntry(NamedTuple):
    """An entry the log already holds, as deduplication needs it."""

    record: str
    seq: int
    entry_hash: str


class EventConflict(Exception):
    """An event id already in the log (or earlier in the batch) with other content."""

    def __init__(self, event_id: str) -> None:
        super().__init__(event_id)
        self.event_id = event_id


@dataclass(frozen=True, slots=True)
class EntryRow:
    """One sealed entry as storage writes it (the ``ledger_entries`` columns)."""

    seq: int
    event_id: str
    type: str
    source: str
    actor: str
    subject: str
    occurred_at: datetime
    recorded_at: str
    record: str
    kid: str
    signature: str
    prev_hash: str
    entry_hash: str
    leaf_hash: str

    def values(self) -> tuple[Any, ...]:
        """The column values in :data:`ENTRY_COLUMNS` order (for COPY and executemany)."""
        return (self.seq, self.event_id, self.type, self.source, self.actor, self.subject,
                self.occurred_at, self.recorded_at, self.record, self.kid, self.signature,
                self.prev_hash, self.entry_hash, self.leaf_hash)


ENTRY_COLUMNS = tuple(EntryRow.__dataclass_fields__)
"""The ``ledger_entries`` columns, in the order :meth:`EntryRow.values` gives them."""

Outcome = list[AppendResult] | EventConflict
"""What one submission gets: each entry's place in the log, or the conflict refusing it."""


@dataclass(frozen=True)
class Integrated:
    """A batch integrated: rows and nodes to store, the new right edge, one outcome per
    submission (in order)."""

    entries: list[EntryRow]
    nodes: list[Node]
    frontier: Frontier
    head_hash: str
    outcomes: list[Outcome]


def integrate(
    submissions: Sequence[Sequence[Candidate]],
    *,
    frontier: Frontier,
    head_hash: str,
    known: Mapping[str, PriorEntry],
    recorded_at: str,
) -> Integrated:
    """Deduplicate, seal and append each submission after the log's current edge.

    A submission is all or nothing: a conflict in it leaves the log as the previous
    submission left it, and the next submission carries on from there.
    """
    seen: dict[str, PriorEntry] = dict(known)
    rows: list[EntryRow] = []
    nodes: list[Node] = []
    outcomes: list[Outcome] = []
    for candidates in submissions:
        try:
            sealed = _seal(candidates, seen, first_seq=frontier.size, head_hash=head_hash,
                           recorded_at=recorded_at)
        except EventConflict as conflict:
            outcomes.append(conflict)
            continue
        appended = frontier.append(sealed.leaves)
        frontier = appended.frontier
        nodes.extend(appended.nodes)
        rows.extend(sealed.rows)
        seen.update(sealed.new)
        head_hash = sealed.head_hash
        outcomes.append(sealed.results)
    return Integrated(rows, nodes, frontier, head_hash, outcomes)


class _Sealed(NamedTuple):
    """One submission sealed: its rows and leaves, its new entries by event id, each
    candidate's result, and the chain head after it."""

    rows: list[EntryRow]
    leaves: list[bytes]
    new: dict[str, PriorEntry]
    results: list[AppendResult]
    head_hash: str


def _seal(
    candidates: Sequence[Candidate],
    seen: Mapping[str, PriorEntry],
    *,
    first_seq: int,
    head_hash: str,
    recorded_at: str,
) -> _Sealed:
    """Seal one submission's new entries after ``head_hash``; raise on a conflict."""
    rows: list[EntryRow] = []
    leaves: list[bytes] = []
    local: dict[str, PriorEntry] = {}
    results: list[AppendResult] = []
    for c in candidates:
        record = c.record
        event_id = record.event_id
        prior = local.get(event_id) or seen.get(event_id)
        if prior is not None:
            if prior.record != c.record_text:
                raise EventConflict(event_id)
            results.append(AppendResult(event_id, prior.seq, prior.entry_hash, False))
            continue
        seq = first_seq + len(leaves)
        _, entry_hash, leaf = seal_text(
            seq=seq, record_text=c.record_text, kid=c.kid, signature=c.signature,
            recorded_at=recorded_at, prev_hash=head_hash,
        )
        leaves.append(leaf)
        local[event_id] = PriorEntry(c.record_text, seq, entry_hash)
        rows.append(EntryRow(
            seq=seq, event_id=event_id, type=record.type, source=record.source,
            actor=record.actor, subject=record.subject, occurred_at=c.occurred_at,
            recorded_at=recorded_at, record=c.record_text, kid=c.kid, signature=c.signature,
            prev_hash=head_hash, entry_hash=entry_hash, leaf_hash=leaf.hex(),
        ))
        head_hash = entry_hash
        results.append(AppendResult(event_id, seq, entry_hash, True))
    return _Sealed(rows, leaves, local, results, head_hash)
