"""Checks an entry must pass before it reaches the sequencer.

A service may append only its own events, signed with a key it registered; the record
must have a canonical form, a valid RFC 3339 time, and no personal information in its
payload (ids and hashes only).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519
from sqlalchemy.orm import Session

from services.audit.ledger import repository
from services.audit.ledger.integration import Candidate
from services.audit.ledger.tables import SourceKey
from services.shared.auth import Principal
from services.shared.canonical import NotCanonicalisable
from services.shared.events import EventRecord, signature_valid
from services.shared.keyring import jwk_thumbprint, public_key_from_jwk
from services.shared.orm import utcnow
from services.shared.personal import personal_information
from services.shared.problems import Forbidden, InvalidInput

KeyLookup = Callable[[str], "tuple[str, ed25519.Ed25519PublicKey] | None"]
"""``kid`` → (source, public key), or None when no such key is registered."""


class SourceKeys:
    """Registered source keys, cached in memory (keys are never changed, only added)."""

    def __init__(self) -> None:
        self._keys: dict[str, tuple[str, ed25519.Ed25519PublicKey]] = {}
        self._lock = threading.Lock()

    def cached(self, kid: str) -> tuple[str, ed25519.Ed25519PublicKey] | None:
        """The source and key with id ``kid`` if this process has already read it (no I/O;
        None does not mean the key is unknown)."""
        return self._keys.get(kid)

    def get(self, session: Session, kid: str) -> tuple[str, ed25519.Ed25519PublicKey] | None:
        """The source and public key with id ``kid``."""
        with self._lock:
            cached = self._keys.get(kid)
        if cached is not None:
            return cached
        row = repository.source_key(session, kid)
        if row is None:
            return None
        import json

        key = public_key_from_jwk(json.loads(row.jwk))
        if not isinstance(key, ed25519.Ed25519PublicKey):
            return None
        with self._lock:
            self._keys[kid] = (row.source, key)
        return row.source, key


def register_source_key(session: Session, jwk: dict[str, Any], actor: Principal) -> SourceKey:
    """Register the calling service's Ed25519 public key (idempotent)."""
    import json

    if not actor.is_service:
        raise Forbidden("only dataex services register source keys", slug="service-only")
    try:
        public_key_from_jwk(jwk)
        kid = jwk_thumbprint(jwk)
    except (KeyError, ValueError) as exc:
        raise InvalidInput(f"jwk: {exc}", slug="invalid-key") from exc
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        raise InvalidInput("jwk: ledger events are signed with Ed25519 keys", slug="invalid-key")
    if jwk.get("kid", kid) != kid:
        raise InvalidInput("jwk: kid is not the key's RFC 7638 thumbprint", slug="invalid-key")
    existing = repository.source_key(session, kid)
    if existing is not None:
        if existing.source != actor.subject:
            raise Forbidden("this key is registered to another source", slug="key-taken")
        return existing
    row = SourceKey(
        kid=kid,
        source=actor.subject,
        jwk=json.dumps({"kty": "OKP", "crv": "Ed25519", "x": jwk["x"], "kid": kid}),
        registered_at=utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def verify_entries(
    keys: KeyLookup,
    entries: Sequence[Mapping[str, Any]],
    actor: Principal,
    *,
    first_index: int = 0,
) -> list[Candidate]:
    """Verify each submitted entry; raise naming the first that fails (``entries[i]``,
    counting from ``first_index``).

    ``keys`` finds registered source keys: ``SourceKeys.cached`` once the keys have been
    read (no I/O, so this may run on the event loop), or a lookup that reads the database
    (see :meth:`SourceKeys.get`).
    """
    candidates = []
    for index, entry in enumerate(entries, first_index):
        where = f"entries[{index}]"
        try:
            record = EventRecord.from_dict(entry["record"])
            text = record.canonical().decode()
            occurred_at = datetime.fromisoformat(record.occurred_at)
            if occurred_at.tzinfo is None:
                # It could not be stored (times are UTC); refused here, it cannot fail the
                # group commit it would have joined.
                raise ValueError("occurred_at needs a UTC offset (e.g. Z)")
        except (KeyError, TypeError, ValueError, NotCanonicalisable) as exc:
            raise InvalidInput(f"{where}.record: {exc}", slug="invalid-record") from exc
        if record.source != actor.subject:
            raise Forbidden(
                f"{where}: {actor.subject} may not append events of source {record.source}",
                slug="foreign-source",
            )
        personal = personal_information(record.payload)
        if personal:
            raise InvalidInput(f"{where}.record: {personal}; payloads carry ids and hashes only",
                               slug="personal-information")
        kid = entry.get("kid")
        signature = entry.get("signature")
        if not isinstance(kid, str) or not isinstance(signature, str):
            raise InvalidInput(f"{where}: kid and signature are required", slug="invalid-record")
        known = keys(kid)
        if known is None:
            raise InvalidInput(f"{where}: unknown key {kid}; register it first",
                               slug="unknown-key", kid=kid)
        source, public_key = known
        if source != record.source:
            raise InvalidInput(f"{where}: key {kid} belongs to {source}", slug="foreign-key")
        if not signature_valid(public_key, text.encode(), signature):
            raise InvalidInput(f"{where}: signature does not verify", slug="bad-signature",
                               event_id=record.event_id)
        candidates.append(
            Candidate(record, text, kid, signature, occurred_at.astimezone(UTC))
        )
    return candidates
