"""The case file of a dispute: each evidence item with its ledger entry and an inclusion
proof against one signed checkpoint, and the public keys to check them, so a regulator
can verify the whole file offline (``dataex dispute verify``)."""

from __future__ import annotations

from typing import Any

from services.clients import ApiProblem, AuditClient
from services.shared.events import rfc3339
from services.shared.evidence import CASE_FILE_KIND
from services.shared.orm import utcnow
from services.shared.problems import ServiceUnavailable
from services.shared.schemas.ledger import CheckpointOut

ENTRY_FIELDS = ("seq", "record", "kid", "signature", "recorded_at", "prev_hash")


def _checkpoint_covering(audit: AuditClient, last_seq: int) -> CheckpointOut:
    try:
        latest = audit.latest_checkpoint()
    except ApiProblem as problem:
        if problem.status != 404:
            raise
        latest = None
    if latest is None or latest.tree_size <= last_seq:
        latest = audit.sign_checkpoint()
    return latest


def build_case_file(audit: AuditClient, *, dispute: dict[str, Any], grant_ids: list[str],
                    evidence: list[dict[str, Any]]) -> dict[str, Any]:
    """The case file: the dispute, the order's grants, one signed checkpoint, the ledger
    and source keys, and every evidence item with its entry and audit path."""
    try:
        checkpoint = _checkpoint_covering(audit, max((e["ledger_seq"] for e in evidence),
                                                     default=-1))
        items = []
        for item in evidence:
            entry = audit.entry(item["ledger_seq"])
            proof = audit.inclusion_proof(entry.seq, checkpoint.tree_size)
            items.append({**item,
                          "entry": {f: getattr(entry, f) for f in ENTRY_FIELDS},
                          "inclusion_proof": {"leaf_index": proof.leaf_index,
                                              "tree_size": proof.tree_size,
                                              "audit_path": proof.audit_path}})
        keys = audit.keys()
    except ApiProblem as problem:
        raise ServiceUnavailable(f"the audit ledger could not give the case's proofs: "
                                 f"{problem.detail}") from None
    return {"kind": CASE_FILE_KIND, "version": 1, "exported_at": rfc3339(utcnow()),
            "dispute": dispute, "order_id": dispute["order_id"], "grant_ids": grant_ids,
            "checkpoint": checkpoint.model_dump(), "keys": keys, "evidence": items}
