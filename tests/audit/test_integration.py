"""The ledger's write path without a database: integration and checkpoint publishing."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from services.audit.ledger.checkpoint import Checkpoint
from services.audit.ledger.entry import GENESIS_HASH, seal_text
from services.audit.ledger.integration import (
    ENTRY_COLUMNS,
    Candidate,
    EventConflict,
    PriorEntry,
    integrate,
)
from services.audit.ledger.merkle import (
    Frontier,
    MemoryNodeStore,
    Node,
    NodeReader,
    root_from_frontier,
)
from services.audit.ledger.publishing import CheckpointPublisher, checkpoint_due
from services.audit.ledger.storage import LogState, SignedCheckpoint
from services.shared.events import EventRecord
from services.shared.keyring import KeyRing

RECORDED_AT = "2026-11-29T08:00:01Z"


def candidate(event_id: str, subject: str = "dst_1") -> Candidate:
    record = EventRecord.new(type="dataset.listed", source="catalog", actor="usr_1",
                             subject=subject, payload={}, event_id=event_id,
                             occurred_at=datetime(2026, 11, 29, 8, tzinfo=UTC))
    return Candidate(record, record.canonical().decode(), "kid_1", "ab" * 64,
                     datetime(2026, 11, 29, 8, tzinfo=UTC))


def test_entries_are_sealed_in_order_onto_the_chain() -> None:
    done = integrate([[candidate("evt_a"), candidate("evt_b")]], frontier=Frontier(),
                     head_hash=GENESIS_HASH, known={}, recorded_at=RECORDED_AT)
    first, second = done.entries
    assert (first.seq, first.prev_hash) == (0, GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (1, first.entry_hash)
    _, entry_hash, leaf = seal_text(seq=1, record_text=second.record, kid="kid_1",
                                    signature="ab" * 64, recorded_at=RECORDED_AT,
                                    prev_hash=first.entry_hash)
    assert (second.entry_hash, second.leaf_hash) == (entry_hash, leaf.hex())
    assert done.head_hash == second.entry_hash and done.frontier.size == 2
    assert [r.created for r in done.outcomes[0]] == [True, True]  # type: ignore[union-attr]
    assert dict(zip(ENTRY_COLUMNS, first.values(), strict=True))["event_id"] == "evt_a"


def test_a_known_event_answers_with_its_place_and_a_conflict_refuses_its_submission() -> None:
    same = candidate("evt_a")
    known = {"evt_a": PriorEntry(same.record_text, 7, "f" * 64)}
    done = integrate([[same], [candidate("evt_b"), candidate("evt_a", subject="other")],
                      [candidate("evt_c")]],
                     frontier=Frontier(), head_hash=GENESIS_HASH, known=known,
                     recorded_at=RECORDED_AT)
    assert done.outcomes[0] == [("evt_a", 7, "f" * 64, False)]
    assert isinstance(done.outcomes[1], EventConflict)
    assert [e.event_id for e in done.entries] == ["evt_c"]
    assert done.entries[0].seq == 0


def test_checkpoints_fall_due_when_the_tree_grew_enough_or_one_is_asked_for() -> None:
    assert not checkpoint_due(tree_size=5, checkpoint_size=5, every=1, asked=True)
    assert checkpoint_due(tree_size=6, checkpoint_size=5, every=10, asked=True)
    assert not checkpoint_due(tree_size=6, checkpoint_size=5, every=10, asked=False)
    assert checkpoint_due(tree_size=15, checkpoint_size=5, every=10, asked=False)


class MemoryTransaction:
    """Just what the publisher reads and writes."""

    def __init__(self, nodes: Sequence[Node]) -> None:
        self.store = MemoryNodeStore(nodes)
        self.stored: list[SignedCheckpoint] = []

    def nodes(self) -> NodeReader:
        return self.store

    def add_checkpoint(self, signed: SignedCheckpoint) -> None:
        self.stored.append(signed)


def test_the_publisher_signs_proves_consistency_and_runs_its_hooks(tmp_path: Path) -> None:
    keys = KeyRing(tmp_path, "EdDSA")
    keys.ensure()
    seen: list[SignedCheckpoint] = []
    publisher = CheckpointPublisher(keys, hooks=[seen.append])
    leaves = [bytes([i]) * 32 for i in range(5)]
    small = Frontier().append(leaves[:3])
    large = small.frontier.append(leaves[3:])
    tx = MemoryTransaction([*small.nodes, *large.nodes])
    first = publisher.publish(tx, small.frontier, None)  # type: ignore[arg-type]
    second = publisher.publish(tx, large.frontier, first.checkpoint)  # type: ignore[arg-type]
    assert tx.stored == seen == [first, second]
    assert first.previous_size is None and second.previous_size == 3
    assert second.checkpoint.root_hash == root_from_frontier(large.frontier).hex()
    assert second.checkpoint.timestamp > first.checkpoint.timestamp
    public = keys.active().public_key
    assert second.checkpoint.signature_ok(public, second.signature)  # type: ignore[arg-type]
    with pytest.raises(ValueError):  # a tree that does not extend the last checkpoint
        forged = Checkpoint(tree_size=3, root_hash="00" * 32, timestamp=first.checkpoint.timestamp)
        publisher.publish(tx, large.frontier, forged)  # type: ignore[arg-type]
    assert LogState(large.frontier, "h", 3).tree_size == 5
