"""Ledger events as their emitting service asserts them: a canonical record and its
Ed25519 signature.

A service records an event in the same transaction as the change it describes (see
:mod:`services.shared.outbox`); the audit service verifies the signature on ingest
against the service's registered key, and a regulator verifies it again offline.
Payloads carry ids and hashes only, never personal information.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric import ed25519

from services.shared.canonical import canonical_json
from services.shared.keyring import SigningKey

RECORD_FIELDS = ("event_id", "type", "source", "actor", "subject", "occurred_at", "payload")


def rfc3339(moment: datetime) -> str:
    """A UTC timestamp as RFC 3339 with microseconds and a ``Z``."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


@dataclass(frozen=True)
class EventRecord:
    """What happened, who did it, to what: the part of a ledger entry a service signs."""

    event_id: str
    type: str
    source: str
    actor: str
    subject: str
    occurred_at: str
    payload: dict[str, Any]

    @classmethod
    def new(
        cls,
        *,
        type: str,
        source: str,
        actor: str,
        subject: str,
        payload: dict[str, Any],
        occurred_at: datetime | None = None,
        event_id: str | None = None,
    ) -> EventRecord:
        """A record with a fresh event id and the current time unless given."""
        record = cls(
            event_id=event_id or f"evt_{uuid.uuid4().hex}",
            type=type,
            source=source,
            actor=actor,
            subject=subject,
            occurred_at=rfc3339(occurred_at or datetime.now(UTC)),
            payload=payload,
        )
        record.canonical()  # refuse floats, huge integers... now, not at delivery
        return record

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EventRecord:
        """The record from its JSON form; ``ValueError`` if fields are missing or extra."""
        if set(data) != set(RECORD_FIELDS):
            missing = sorted(set(RECORD_FIELDS) - set(data))
            extra = sorted(set(data) - set(RECORD_FIELDS))
            raise ValueError(f"record fields wrong: missing {missing}, unexpected {extra}")
        if not isinstance(data["payload"], dict):
            raise ValueError("record payload must be an object")
        for name in RECORD_FIELDS[:-1]:
            if not isinstance(data[name], str) or not data[name]:
                raise ValueError(f"record {name} must be a non-empty string")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        """The record as a JSON object."""
        return {name: getattr(self, name) for name in RECORD_FIELDS}

    def canonical(self) -> bytes:
        """RFC 8785 bytes of the record: what is signed."""
        return canonical_json(self.to_dict())

    def sign(self, key: SigningKey) -> str:
        """Hex Ed25519 signature of the canonical record."""
        if not isinstance(key.private_key, ed25519.Ed25519PrivateKey):
            raise ValueError("event records are signed with Ed25519 keys")
        return key.private_key.sign(self.canonical()).hex()


def signature_valid(
    public_key: ed25519.Ed25519PublicKey, message: bytes, signature_hex: str
) -> bool:
    """Whether ``signature_hex`` is a valid Ed25519 signature of ``message``."""
    try:
        public_key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError):
        return False
    return True
