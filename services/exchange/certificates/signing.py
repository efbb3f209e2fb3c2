"""Signing documents with the exchange's ES256 key (see :mod:`.verify` for the format)."""

from __future__ import annotations

import threading
import time
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

from services.exchange.certificates.verify import DOCUMENT_TYPES, signed_bytes
from services.shared.keyring import KeyRing, SigningKey, b64url


def sign_document(document: dict[str, Any], key: SigningKey) -> dict[str, Any]:
    """``document`` with ``kid`` and an ES256 ``signature`` over its canonical JSON."""
    if document.get("type") not in DOCUMENT_TYPES:
        raise ValueError(f"unknown document type {document.get('type')!r}")
    if not isinstance(key.private_key, ec.EllipticCurvePrivateKey):
        raise ValueError("documents are signed with the exchange's ES256 key")
    unsigned = {k: v for k, v in document.items() if k != "signature"} | {"kid": key.kid}
    der = key.private_key.sign(signed_bytes(unsigned), ec.ECDSA(hashes.SHA256()))
    r, s = decode_dss_signature(der)
    return unsigned | {"signature": b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))}


class DocumentSigner:
    """Signs with the active key of the exchange's document ring and publishes every key
    that ever signed, so that old certificates stay verifiable after a rotation.

    Before keys were split by purpose, the token ring signed documents too. ``legacy``
    is that ring: its keys from before the first document key stay published here, with
    their ``tokens`` purpose and ``"signed_documents_until"``, so that documents they
    signed keep verifying."""

    def __init__(self, ring: KeyRing, *, legacy: KeyRing | None = None,
                 reload_seconds: float = 5.0) -> None:
        self.ring = ring
        self.reload_seconds = reload_seconds
        self._key: SigningKey | None = None
        self._loaded_at = float("-inf")
        self._lock = threading.Lock()
        self._legacy: list[dict[str, Any]] = []
        if legacy is not None:
            self._legacy = _legacy_document_keys(legacy, ring)

    def key(self) -> SigningKey:
        """The ring's active key, re-read every few seconds to follow rotations."""
        with self._lock:
            if self._key is None or time.monotonic() - self._loaded_at > self.reload_seconds:
                self._key = self.ring.active()
                self._loaded_at = time.monotonic()
            return self._key

    def sign(self, document: dict[str, Any]) -> dict[str, Any]:
        """The document, signed by the ring's active key."""
        return sign_document(document, self.key())

    def jwks(self) -> dict[str, Any]:
        """Every key of the ring, retired ones included, and the legacy token keys that
        signed documents."""
        return {"keys": self.ring.jwks(grace=None)["keys"] + self._legacy}


def _legacy_document_keys(tokens: KeyRing, documents: KeyRing) -> list[dict[str, Any]]:
    """The token ring's keys made before the document ring's first key (creating that
    first key now if there is none), marked as having signed documents until then. Keys
    the platform mounts were made for their purpose: none of them is legacy."""
    if tokens.read_only or documents.read_only:
        return []
    documents.ensure()
    records = documents.records()
    if not records:
        return []
    split_at = min(r.created_at for r in records)
    older = {r.kid for r in tokens.records() if r.created_at < split_at}
    return [key.jwk() | {"signed_documents_until": split_at.isoformat()}
            for key in tokens.verification_keys(grace=None) if key.kid in older]
