"""Checkpoints (signed tree heads): what the ledger commits to, and its signature.

The signed bytes are the canonical JSON of ``{"log", "tree_size", "root_hash",
"timestamp"}``, signed with the ledger's Ed25519 key; ``kid`` names that key in
``GET /v1/keys``. Pure code, used by the service and the offline verifier alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from services.shared.canonical import canonical_json
from services.shared.events import signature_valid
from services.shared.keyring import SigningKey

LOG_ID = "dataex-audit-ledger"


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: the log's size and root at a time."""

    tree_size: int
    root_hash: str
    timestamp: str
    log: str = LOG_ID

    def signed_bytes(self) -> bytes:
        """The canonical bytes the ledger key signs."""
        return canonical_json(
            {
                "log": self.log,
                "tree_size": self.tree_size,
                "root_hash": self.root_hash,
                "timestamp": self.timestamp,
            }
        )

    def sign(self, key: SigningKey) -> str:
        """Hex Ed25519 signature by the ledger key."""
        if not isinstance(key.private_key, ed25519.Ed25519PrivateKey):
            raise ValueError("checkpoints are signed with Ed25519 keys")
        return key.private_key.sign(self.signed_bytes()).hex()

    def signature_ok(self, public_key: ed25519.Ed25519PublicKey, signature: str) -> bool:
        """Whether ``signature`` is the ledger's signature of this checkpoint."""
        return signature_valid(public_key, self.signed_bytes(), signature)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Checkpoint:
        """A checkpoint from its JSON form (extra fields such as the signature ignored)."""
        return cls(
            tree_size=int(data["tree_size"]),
            root_hash=str(data["root_hash"]),
            timestamp=str(data["timestamp"]),
            log=str(data.get("log", LOG_ID)),
        )
