"""One ledger entry's inclusion under a signed checkpoint, checked offline (pure).

A document that cites a ledger entry (a trade voucher's settlement, a dispute's
evidence) carries the entry, its RFC 9162 audit path and the checkpoint; this checks
that the entry's bytes hash to a leaf, that the path leads from that leaf to the
checkpoint's root, that the ledger key signed the checkpoint and that the source
service signed the entry's record. The keys come from the ledger's ``GET /v1/keys``
(``{"ledger": [JWK...], "sources": [{"kid", "jwk"}...]}``), saved by the checker.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from services.audit.ledger.checkpoint import Checkpoint
from services.audit.ledger.entry import ENTRY_FIELDS, seal_body
from services.audit.ledger.merkle import ProofError, check_inclusion
from services.shared.canonical import NotCanonicalisable, canonical_json
from services.shared.events import signature_valid
from services.shared.keyring import public_key_from_jwk


@dataclass(frozen=True)
class InclusionCheck:
    """Whether the entry is proven in the ledger, and why (not)."""

    valid: bool
    reason: str
    seq: int | None = None
    tree_size: int | None = None


def _ed25519(jwk: dict[str, Any] | None) -> ed25519.Ed25519PublicKey | None:
    try:
        key = public_key_from_jwk(jwk) if isinstance(jwk, dict) else None
    except (KeyError, ValueError):
        return None
    return key if isinstance(key, ed25519.Ed25519PublicKey) else None


def _ledger_key(keys: dict[str, Any], kid: object) -> ed25519.Ed25519PublicKey | None:
    for jwk in keys.get("ledger", []):
        if isinstance(jwk, dict) and jwk.get("kid") == kid:
            return _ed25519(jwk)
    return None


def _source_key(keys: dict[str, Any], kid: object) -> ed25519.Ed25519PublicKey | None:
    for source in keys.get("sources", []):
        if isinstance(source, dict) and source.get("kid") == kid:
            return _ed25519(source.get("jwk"))
    return None


def check_entry_inclusion(entry: dict[str, Any], proof: dict[str, Any],
                          checkpoint: dict[str, Any], keys: dict[str, Any]) -> InclusionCheck:
    """Check that ``entry`` is leaf ``proof["leaf_index"]`` of the tree the signed
    ``checkpoint`` commits to, and that its record is its source's signed record."""
    try:
        body = {name: entry[name] for name in ENTRY_FIELDS}
        seq, size = int(body["seq"]), int(checkpoint["tree_size"])
        sealed = seal_body(body)
        path = [bytes.fromhex(h) for h in proof["audit_path"]]
        root = bytes.fromhex(checkpoint["root_hash"])
        head = Checkpoint.from_dict(checkpoint)
    except (KeyError, TypeError, ValueError, NotCanonicalisable) as exc:
        return InclusionCheck(False, f"the entry, proof or checkpoint is malformed: {exc}")
    if proof.get("leaf_index") != seq or proof.get("tree_size") != size:
        return InclusionCheck(False, "the proof is for another entry or tree size", seq, size)
    try:
        check_inclusion(sealed.leaf, seq, size, path, root)
    except ProofError as exc:
        return InclusionCheck(False, f"the inclusion proof does not verify: {exc}", seq, size)
    ledger_key = _ledger_key(keys, checkpoint.get("kid"))
    if ledger_key is None:
        return InclusionCheck(False, f"ledger key {checkpoint.get('kid')} is not in the keys",
                              seq, size)
    if not head.signature_ok(ledger_key, str(checkpoint.get("signature", ""))):
        return InclusionCheck(False, "the checkpoint's signature is not the ledger's", seq, size)
    source_key = _source_key(keys, body["kid"])
    if source_key is None:
        return InclusionCheck(False, f"source key {body['kid']} is not in the keys", seq, size)
    if not signature_valid(source_key, canonical_json(body["record"]), str(body["signature"])):
        return InclusionCheck(False, "the entry's record is not signed by its source", seq, size)
    return InclusionCheck(True, f"entry {seq} is in the signed tree of {size} entries",
                          seq, size)
