"""Offline verification of a dispute's case file (``GET /v1/disputes/{id}/case``).

For the checkpoint: its Ed25519 signature by a ledger key. For each evidence item: the
entry re-hashed from its canonical form matches the hash the case cited; the source's
signature over the record; the RFC 9162 inclusion proof from the entry's leaf to the
checkpoint's root; and that the record concerns the disputed order. Keys come from a
file the regulator trusts (``GET /v1/keys`` saved earlier) or, failing that, from the
case file itself (which only shows the file is self-consistent).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import ed25519

from services.audit.ledger.checkpoint import Checkpoint
from services.audit.ledger.entry import seal_body
from services.audit.ledger.merkle import ProofError, check_inclusion
from services.shared.canonical import canonical_json
from services.shared.events import signature_valid
from services.shared.evidence import CASE_FILE_KIND, concerns_order
from services.shared.keyring import jwk_thumbprint, public_key_from_jwk


@dataclass
class CaseReport:
    """What was checked: the checkpoint, and each evidence item's verdict."""

    checkpoint_ok: bool = False
    problems: list[str] = field(default_factory=list)
    items: list[tuple[int, str, str | None]] = field(default_factory=list)
    """(ledger seq, entry type, problem or None) per evidence item, in case order."""

    @property
    def ok(self) -> bool:
        """Whether the checkpoint and every item verified."""
        return self.checkpoint_ok and not self.problems and all(p is None for *_, p in
                                                                self.items)


def _ed25519_keys(jwks: list[dict[str, Any]]) -> dict[str, ed25519.Ed25519PublicKey]:
    keys = {}
    for jwk in jwks:
        try:
            key = public_key_from_jwk(jwk)
            kid = jwk_thumbprint(jwk)
        except (KeyError, TypeError, ValueError):
            continue
        if isinstance(key, ed25519.Ed25519PublicKey) and jwk.get("kid", kid) == kid:
            keys[kid] = key
    return keys


def _key_sets(keys: dict[str, Any]) -> tuple[dict[str, ed25519.Ed25519PublicKey],
                                              dict[str, tuple[str, ed25519.Ed25519PublicKey]]]:
    ledger = _ed25519_keys(list(keys.get("ledger") or []))
    sources = {}
    for item in keys.get("sources") or []:
        for kid, key in _ed25519_keys([item.get("jwk") or {}]).items():
            sources[kid] = (str(item.get("source")), key)
    return ledger, sources


def _check_item(item: dict[str, Any], root: bytes, tree_size: int, case: dict[str, Any],
                sources: dict[str, tuple[str, ed25519.Ed25519PublicKey]]) -> str | None:
    entry, proof = item.get("entry"), item.get("inclusion_proof")
    if not isinstance(entry, dict) or not isinstance(proof, dict):
        return "the item carries no entry or no inclusion proof"
    try:
        sealed = seal_body(entry)
    except (TypeError, ValueError) as exc:
        return f"the entry cannot be canonicalised ({exc})"
    if sealed.seq != item.get("ledger_seq"):
        return f"the entry is at seq {sealed.seq}, not the cited {item.get('ledger_seq')}"
    if sealed.entry_hash != item.get("entry_hash"):
        return "the entry was modified: its hash is not the one cited when the case opened"
    record = entry.get("record")
    if not isinstance(record, dict):
        return "the entry holds no record"
    source = sources.get(str(entry.get("kid")))
    if source is None:
        return f"the entry is signed with unknown key {entry.get('kid')}"
    if source[0] != record.get("source") or not signature_valid(
            source[1], canonical_json(record), str(entry.get("signature"))):
        return f"the {record.get('source')} signature over the record is not valid"
    if proof.get("tree_size") != tree_size:
        return "the inclusion proof is against another tree than the checkpoint's"
    try:
        path = [bytes.fromhex(h) for h in proof.get("audit_path") or []]
        check_inclusion(sealed.leaf, sealed.seq, tree_size, path, root)
    except (ProofError, ValueError) as exc:
        return f"the inclusion proof does not verify: {exc}"
    if not concerns_order(record, str(case.get("order_id")), list(case.get("grant_ids") or [])):
        return f"the entry does not belong to order {case.get('order_id')}"
    return None


def verify_case_file(case: dict[str, Any], trusted_keys: dict[str, Any] | None = None
                     ) -> CaseReport:
    """Check a case file's checkpoint and every evidence item (see the module doc)."""
    report = CaseReport()
    if case.get("kind") != CASE_FILE_KIND:
        report.problems.append(f"not a dispute case file (kind {case.get('kind')!r})")
        return report
    ledger_keys, source_keys = _key_sets(trusted_keys if trusted_keys is not None
                                         else case.get("keys") or {})
    cp = case.get("checkpoint") or {}
    try:
        checkpoint = Checkpoint.from_dict(cp)
        root = bytes.fromhex(checkpoint.root_hash)
    except (KeyError, TypeError, ValueError):
        report.problems.append("the checkpoint is malformed")
        return report
    key = ledger_keys.get(str(cp.get("kid")))
    report.checkpoint_ok = key is not None and checkpoint.signature_ok(
        key, str(cp.get("signature")))
    if not report.checkpoint_ok:
        report.problems.append(f"the checkpoint at tree size {checkpoint.tree_size} is not "
                               f"signed by a known ledger key ({cp.get('kid')})")
    for item in case.get("evidence") or []:
        problem = _check_item(item, root, checkpoint.tree_size, case, source_keys)
        report.items.append((int(item.get("ledger_seq", -1)), str(item.get("type")), problem))
    return report
