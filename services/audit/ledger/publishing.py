"""Publishing: signing a checkpoint of the log as the sequencer left it.

Before signing, the publisher proves that the new tree extends the last signed one (a
consistency proof checked against both roots), so a bug cannot fork the log under the
ledger's signature. Hooks run after signing, before the checkpoint is stored, in the
sequencer's transaction: this is where cosignatures (witnesses) attach; a hook that
raises fails the batch, and nothing of it is stored.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from services.audit.ledger.checkpoint import Checkpoint
from services.audit.ledger.merkle import (
    Frontier,
    check_consistency,
    consistency_proof,
    root_from_frontier,
)
from services.audit.ledger.storage import LogTransaction, SignedCheckpoint
from services.shared.events import rfc3339
from services.shared.keyring import KeyRing
from services.shared.orm import utcnow

CheckpointHook = Callable[[SignedCheckpoint], None]
"""Called with each checkpoint just signed, before it is stored."""


def checkpoint_due(*, tree_size: int, checkpoint_size: int, every: int, asked: bool) -> bool:
    """Whether a batch leaving ``tree_size`` entries should sign: the tree grew since the
    last checkpoint, and someone asked or it grew by ``every`` entries or more."""
    grown = tree_size - checkpoint_size
    return grown > 0 and (asked or grown >= every)


class CheckpointPublisher:
    """Signs checkpoints with the ledger key and stores them through the transaction."""

    def __init__(self, ledger_keys: KeyRing, hooks: Sequence[CheckpointHook] = ()) -> None:
        self.ledger_keys = ledger_keys
        self.hooks: list[CheckpointHook] = list(hooks)

    def prepare(self) -> None:
        """Make sure a ledger key exists before the first checkpoint is due."""
        self.ledger_keys.ensure()

    def publish(
        self, tx: LogTransaction, frontier: Frontier, last: Checkpoint | None
    ) -> SignedCheckpoint:
        """Sign a checkpoint of the tree ``frontier`` ends, after ``last``; run the hooks,
        then store it."""
        root = root_from_frontier(frontier)
        path: list[bytes] = []
        moment = utcnow()
        if last is not None:
            path = consistency_proof(tx.nodes(), last.tree_size, frontier.size)
            check_consistency(last.tree_size, frontier.size, bytes.fromhex(last.root_hash),
                              root, path)
            # Timestamps strictly increase, whatever the clock does.
            moment = max(moment, datetime.fromisoformat(last.timestamp)
                         + timedelta(microseconds=1))
        checkpoint = Checkpoint(tree_size=frontier.size, root_hash=root.hex(),
                                timestamp=rfc3339(moment))
        key = self.ledger_keys.active()
        signed = SignedCheckpoint(
            checkpoint=checkpoint, kid=key.kid, signature=checkpoint.sign(key),
            previous_size=last.tree_size if last is not None else None, consistency_path=path,
        )
        for hook in self.hooks:
            hook(signed)
        tx.add_checkpoint(signed)
        return signed
