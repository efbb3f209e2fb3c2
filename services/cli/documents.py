"""``dataex certificate verify``, ``dataex sign`` and ``dataex keys generate``: signed
documents checked offline (the exchange's signature, a party's own signature, a
voucher's ledger inclusion proof), and what a client needs to sign statements."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

from services.audit.verify.inclusion import check_entry_inclusion
from services.exchange.certificates.verify import verify_document
from services.shared import party_signatures
from services.shared.keyring import PrivateKey, generate_key


@dataclass(frozen=True)
class Finding:
    """One line of a verification report."""

    ok: bool
    text: str


def read_json(path: Path) -> Any:
    """A JSON file's content; ``ValueError`` naming the file when it cannot be read."""
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"cannot read {path}: {exc}") from exc


def _moment(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        return None


def _published_key(document: dict[str, Any], party_keys: dict[str, Any]) -> Finding:
    """Whether the key the exchange says the party used is in the party's own published
    key set, and was valid when the exchange received the signature."""
    if party_keys.get("org_id") != document.get("org_id"):
        return Finding(False, f"the party keys are {party_keys.get('org_id')}'s, "
                              f"not {document.get('org_id')}'s")
    kid = document.get("key", {}).get("kid")
    for key in party_keys.get("keys", []):
        if key.get("kid") != kid:
            continue
        if key.get("jwk") != document.get("key"):
            return Finding(False, f"key {kid} differs from the published one")
        signed_at = _moment(document.get("signed_at"))
        start, end = _moment(key.get("valid_from")), _moment(key.get("valid_until"))
        if signed_at is None or start is None or signed_at < start or (
                end is not None and signed_at > end):
            return Finding(False, f"key {kid} was not valid at {document.get('signed_at')}")
        return Finding(True, f"key {kid} is in the party's published keys "
                             f"({key.get('status')}, valid from {key.get('valid_from')})")
    return Finding(False, f"key {kid} is not in the party's published keys")


def party_findings(document: dict[str, Any], party_keys: dict[str, Any] | None) -> list[Finding]:
    """A party signature receipt: the party's JWS over its statement, by its key."""
    statement, key = document.get("statement"), document.get("key")
    if not isinstance(statement, dict) or not isinstance(key, dict):
        return [Finding(False, "the receipt holds no statement or key")]
    try:
        party_signatures.verify(statement, str(document.get("jws")), key)
    except party_signatures.BadSignature as exc:
        return [Finding(False, f"party signature INVALID: {exc}")]
    found = [Finding(True, f"{document.get('org_id')} ({document.get('role')}) signed "
                           f"{statement.get('type')} for order {statement.get('order_id')} "
                           f"(contract {statement.get('contract_sha256')}) with key "
                           f"{key.get('kid')} ({key.get('alg')}) at {document.get('signed_at')}")]
    if party_keys is not None:
        found.append(_published_key(document, party_keys))
    return found


def voucher_findings(document: dict[str, Any], ledger_keys: dict[str, Any] | None
                     ) -> list[Finding]:
    """A trade voucher's settlement entry: proven in the ledger under a signed checkpoint."""
    ledger = document.get("ledger") or {}
    if "inclusion_proof" not in ledger:
        return [Finding(True, "no inclusion proof yet (the settlement is not yet in a "
                              "signed checkpoint); fetch the voucher again later")]
    if ledger_keys is None:
        return [Finding(False, "the voucher carries an inclusion proof: pass --ledger-keys "
                               "(the ledger's GET /v1/keys) to check it")]
    entry = ledger.get("entry") or {}
    record = entry.get("record") or {}
    if record.get("event_id") != ledger.get("event_id") or \
            record.get("subject") != document.get("order_id"):
        return [Finding(False, "the proven entry is not this voucher's settlement")]
    result = check_entry_inclusion(entry, ledger["inclusion_proof"],
                                   ledger.get("checkpoint") or {}, ledger_keys)
    label = "ledger proof" if result.valid else "ledger proof INVALID"
    return [Finding(result.valid, f"{label}: {result.reason} (settlement "
                                  f"{record.get('type')}, event {record.get('event_id')})")]


def verify_report(document: Any, exchange_keys: dict[str, Any], *,
                  party_keys: dict[str, Any] | None = None,
                  ledger_keys: dict[str, Any] | None = None) -> list[Finding]:
    """Every check of a signed document: the exchange's signature first, then a party's
    signature (receipts) or the ledger proof (vouchers)."""
    result = verify_document(document, exchange_keys)
    if not result.valid:
        return [Finding(False, f"exchange signature INVALID: {result.reason}")]
    found = [Finding(True, f"{result.type} signed by the exchange's key {result.kid}")]
    if result.type == "dataex.party_signature":
        found += party_findings(document, party_keys)
    elif result.type == "dataex.trade_voucher":
        found += voucher_findings(document, ledger_keys)
    return found


def statement_of(content: Any) -> dict[str, Any]:
    """The statement to sign: the file's object, or the ``statement`` a refusal named
    (a ``signature-required`` problem document can be signed as saved)."""
    if isinstance(content, dict) and isinstance(content.get("statement"), dict):
        return dict(content["statement"])
    if not isinstance(content, dict) or not isinstance(content.get("type"), str):
        raise ValueError("a statement is a JSON object with a \"type\"")
    return dict(content)


def load_private_key(path: Path) -> PrivateKey:
    """A P-256 or Ed25519 private key from a PEM file (as ``dataex keys generate`` writes)."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as exc:
        raise ValueError(f"cannot read the private key {path}: {exc}") from exc
    if not isinstance(key, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey):
        raise ValueError("the key must be an EC P-256 or Ed25519 private key")
    return key


def write_new_key(alg: str, out: Path) -> dict[str, str]:
    """Generate a key, write its private PEM to ``out`` (mode 0600) and its public JWK
    next to it (``out`` + ``.jwk.json``); the public JWK (what to register)."""
    key = generate_key("EdDSA" if alg == "EdDSA" else "ES256")
    if isinstance(key.private_key, ec.EllipticCurvePrivateKey) and \
            not isinstance(key.private_key.curve, ec.SECP256R1):  # pragma: no cover
        raise ValueError("ES256 keys are P-256")
    out.write_bytes(key.private_pem())
    out.chmod(0o600)
    public = party_signatures.public_member_jwk(key.jwk())
    Path(f"{out}.jwk.json").write_text(json.dumps(public, indent=2) + "\n", encoding="utf-8")
    return public
