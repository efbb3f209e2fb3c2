"""A ledger entry: a source's signed record, placed at a sequence number in a hash chain.

Pure code shared by the audit service and the offline verifier. An entry's bytes are
the RFC 8785 canonical JSON of::

    {"seq", "record", "kid", "signature", "recorded_at", "prev_hash"}

``entry_hash`` is SHA-256 of those bytes and the next entry's ``prev_hash`` (the first
entry's is 64 zeros); the Merkle leaf is RFC 9162's SHA-256(0x00 ‖ bytes).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from services.audit.ledger.merkle import leaf_hash
from services.shared.canonical import canonical_json

GENESIS_HASH = "0" * 64
ENTRY_FIELDS = ("seq", "record", "kid", "signature", "recorded_at", "prev_hash")


@dataclass(frozen=True, slots=True)
class SealedEntry:
    """An entry with its canonical bytes and the hashes derived from them."""

    body: dict[str, Any]
    data: bytes
    entry_hash: str
    leaf: bytes

    @property
    def seq(self) -> int:
        """The entry's position in the log."""
        return int(self.body["seq"])


def seal(
    *,
    seq: int,
    record: dict[str, Any],
    kid: str,
    signature: str,
    recorded_at: str,
    prev_hash: str,
) -> SealedEntry:
    """Build the entry at ``seq`` and compute its hashes."""
    body = {
        "seq": seq,
        "record": record,
        "kid": kid,
        "signature": signature,
        "recorded_at": recorded_at,
        "prev_hash": prev_hash,
    }
    return seal_body(body)


def seal_body(body: dict[str, Any]) -> SealedEntry:
    """Hash an entry body (as read back from storage or a bundle)."""
    data = canonical_json(body)
    return SealedEntry(body, data, hashlib.sha256(data).hexdigest(), leaf_hash(data))
