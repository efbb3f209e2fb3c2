"""A ledger entry: a source's signed record, placed at a sequence number in a hash chain.

Pure code shared by the audit service and the offline verifier. An entry's bytes are
the RFC 8785 canonical JSON of::

    {"seq", "record", "kid", "signature", "recorded_at", "prev_hash"}

``entry_hash`` is SHA-256 of those bytes and the next entry's ``prev_hash`` (the first
entry's is 64 zeros); the Merkle leaf is RFC 9162's SHA-256(0x00 ‖ bytes).
"""

from __future__ import annotations

import hashlib
import json
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


_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_sha256 = hashlib.sha256


def seal_text(
    *, seq: int, record_text: str, kid: str, signature: str, recorded_at: str, prev_hash: str
) -> tuple[bytes, str, bytes]:
    """The canonical bytes, entry hash and leaf hash of the entry at ``seq``, built from
    the record's canonical text instead of re-serialising the record.

    RFC 8785 is compositional: an object's canonical form is its members sorted by key,
    each value in its own canonical form. The entry's keys are fixed and ASCII, the record
    text is already canonical, ``seq`` is a safe integer, and the standard library writes
    a string exactly as RFC 8785 does; so this is byte for byte ``canonical_json`` of the
    body :func:`seal` builds (a test compares the two).
    """
    if not 0 <= seq <= 2**53 - 1:
        raise ValueError("seq out of range")
    data = (
        f'{{"kid":{_dumps(kid)},"prev_hash":{_dumps(prev_hash)},"record":{record_text},'
        f'"recorded_at":{_dumps(recorded_at)},"seq":{seq},"signature":{_dumps(signature)}}}'
    ).encode()
    return data, _sha256(data).hexdigest(), leaf_hash(data)
