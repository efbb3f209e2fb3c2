"""What the sequencer needs from storage, as a Protocol (the SQL repository implements it).

The sequencer opens one :class:`LogTransaction` per batch. Its first read locks the log's
state, so however many audit processes append, entries get one dense sequence; nothing
is visible to readers until the transaction commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from services.audit.ledger.checkpoint import Checkpoint
from services.audit.ledger.integration import EntryRow, PriorEntry
from services.audit.ledger.merkle import Frontier, Node, NodeReader


@dataclass(frozen=True)
class LogState:
    """The log's right edge: its Merkle frontier, chain head, and the size last signed."""

    frontier: Frontier
    head_hash: str
    checkpoint_size: int

    @property
    def tree_size(self) -> int:
        """The number of entries in the log."""
        return self.frontier.size


@dataclass(frozen=True)
class SignedCheckpoint:
    """A checkpoint as the ledger key signed it, with the consistency proof from the
    checkpoint before it (``previous_size`` None for the first)."""

    checkpoint: Checkpoint
    kid: str
    signature: str
    previous_size: int | None
    consistency_path: list[bytes]


class LogTransaction(Protocol):
    """One transaction of the sequencer's, holding the state lock from its first read."""

    def begin_append(self, event_ids: Sequence[str]) -> tuple[LogState, dict[str, PriorEntry]]:
        """Lock the state, then read the entries the log already has for ``event_ids``."""
        ...

    def lock_state(self) -> LogState:
        """Lock the state and read it (created empty if absent)."""
        ...

    def finish_append(
        self, entries: Sequence[EntryRow], nodes: Sequence[Node], state: LogState, *,
        commit: bool = False,
    ) -> None:
        """Write sealed entries and new Merkle nodes and store ``state``; with ``commit``
        the storage may commit right away (nothing else is left to write)."""
        ...

    def save_state(self, state: LogState) -> None:
        """Store ``state`` (the lock is held)."""
        ...

    def latest_checkpoint(self) -> Checkpoint | None:
        """The newest signed checkpoint's tree head."""
        ...

    def nodes(self) -> NodeReader:
        """A reader of the stored Merkle nodes, for consistency proofs."""
        ...

    def add_checkpoint(self, signed: SignedCheckpoint) -> None:
        """Store a newly signed checkpoint."""
        ...


class LogStorage(Protocol):
    """Where the log lives: hands out one transaction at a time."""

    def transaction(self) -> AbstractContextManager[LogTransaction]:
        """A transaction that commits when the block ends and rolls back on an error."""
        ...
