"""Offline verification of documents the exchange signs (pure: no network, no database).

A signed document is a JSON object with ``type``, ``kid`` and ``signature``. The
signature is ES256 (ECDSA P-256 with SHA-256) over the RFC 8785 canonical JSON of the
document without its ``signature`` member, encoded as in JWS: the 64-byte ``r || s``,
base64url without padding. ``kid`` names the exchange's document key in
``/v1/signing-keys`` (every key ever used, each with ``"purpose": "documents"``); a key
published for another purpose (``tokens``, at ``/.well-known/jwks.json``) is refused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from services.shared.canonical import NotCanonicalisable, canonical_json
from services.shared.keyring import b64url_decode, public_key_from_jwk

DOCUMENT_TYPES = frozenset({
    "dataex.registration_certificate",
    "dataex.contract_acceptance",
    "dataex.trade_voucher",
    "dataex.party_signature",
})


@dataclass(frozen=True)
class Verification:
    """The outcome of checking one document: valid or not, and why."""

    valid: bool
    reason: str
    type: str | None = None
    kid: str | None = None


def signed_bytes(document: dict[str, Any]) -> bytes:
    """The bytes a document's signature covers: its canonical JSON without ``signature``."""
    return canonical_json({k: v for k, v in document.items() if k != "signature"})


def _key_for(kid: str, jwks: dict[str, Any]) -> dict[str, Any] | None:
    for key in jwks.get("keys", []):
        if isinstance(key, dict) and key.get("kid") == kid:
            return key
    return None


def _signs_documents(jwk: dict[str, Any]) -> bool:
    """Whether a key may have signed documents: a ``documents`` key, a key saved
    before keys named their purpose, or a token key from before the split."""
    purpose = jwk.get("purpose")
    return purpose in (None, "documents") or "signed_documents_until" in jwk


def verify_document(document: dict[str, Any], jwks: dict[str, Any]) -> Verification:
    """Whether ``document`` carries a valid exchange signature by a key in ``jwks``."""
    if not isinstance(document, dict):
        return Verification(False, "the document is not a JSON object")
    doc_type, kid, signature = document.get("type"), document.get("kid"), document.get("signature")
    if doc_type not in DOCUMENT_TYPES:
        return Verification(False, f"unknown document type {doc_type!r}")
    if not isinstance(kid, str) or not isinstance(signature, str):
        return Verification(False, "the document has no kid or signature", doc_type)
    jwk = _key_for(kid, jwks)
    if jwk is None:
        return Verification(False, f"key {kid} is not in the key set", doc_type, kid)
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        return Verification(False, f"key {kid} is not an ES256 key", doc_type, kid)
    if not _signs_documents(jwk):
        return Verification(False, f"key {kid} is a {jwk.get('purpose')} key, not a "
                            f"document key", doc_type, kid)
    try:
        raw = b64url_decode(signature)
        message = signed_bytes(document)
        public_key = public_key_from_jwk(jwk)
    except (ValueError, NotCanonicalisable) as exc:
        return Verification(False, f"malformed document: {exc}", doc_type, kid)
    if len(raw) != 64 or not isinstance(public_key, ec.EllipticCurvePublicKey):
        return Verification(False, "the signature is not a 64-byte ES256 signature",
                            doc_type, kid)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    try:
        public_key.verify(der, message, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        return Verification(False, "the signature does not match the document", doc_type, kid)
    return Verification(True, "signature valid", doc_type, kid)


def verify_files(document_path: Path, jwks_path: Path) -> Verification:
    """Verify a document saved as JSON against a JWK Set saved as JSON (both local files:
    this is what ``dataex certificate verify FILE --jwks KEYS`` runs)."""
    try:
        document = json.loads(Path(document_path).read_text(encoding="utf-8"))
        jwks = json.loads(Path(jwks_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        return Verification(False, f"cannot read the files: {exc}")
    if not isinstance(jwks, dict):
        return Verification(False, "the key set is not a JSON object")
    return verify_document(document, jwks)
