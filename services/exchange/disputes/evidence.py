"""Evidence a party cites: each ledger entry looked up at the audit service (with the
exchange's service token) and accepted only if it exists and concerns the order."""

from __future__ import annotations

from typing import Any

from services.clients import ApiProblem, AuditClient
from services.exchange.disputes.model import check_no_repeats
from services.shared.canonical import text_sha256
from services.shared.evidence import concerns_order
from services.shared.problems import InvalidInput, ServiceUnavailable
from services.shared.schemas.ledger import EntryOut


def _entry(audit: AuditClient, item: dict[str, Any]) -> EntryOut:
    seq, event_id = item.get("ledger_seq"), item.get("event_id")
    named = f"ledger entry {seq}" if seq is not None else f"event {event_id}"
    try:
        entry = audit.entry(seq) if seq is not None else audit.entry_of_event(str(event_id))
    except ApiProblem as problem:
        if problem.status == 404:
            raise InvalidInput(f"{named} is not in the ledger (an event reaches it within "
                               "seconds of being recorded)", slug="evidence-not-found") from None
        raise ServiceUnavailable(f"the audit ledger could not be asked about {named}: "
                                 f"{problem.detail}") from None
    if event_id is not None and entry.event_id != event_id:
        raise InvalidInput(f"ledger entry {seq} records event {entry.event_id}, not {event_id}",
                           slug="evidence-mismatch")
    return entry


def resolve_evidence(audit: AuditClient, items: list[dict[str, Any]], *, order_id: str,
                     grant_ids: list[str], cited_by: str) -> list[dict[str, Any]]:
    """The cited entries as the case keeps them (seq, event id, type, entry hash, note,
    who cited it); a 422 naming the first entry that is missing or of another order."""
    resolved = []
    for item in items:
        entry = _entry(audit, item)
        if not concerns_order(entry.record, order_id, grant_ids):
            raise InvalidInput(
                f"ledger entry {entry.seq} ({entry.type}, subject {entry.subject}) does not "
                f"belong to order {order_id}; cite entries of this order only",
                slug="evidence-not-of-order")
        resolved.append({"ledger_seq": entry.seq, "event_id": entry.event_id,
                         "type": entry.type, "entry_hash": entry.entry_hash,
                         "note": item.get("note", ""), "cited_by": cited_by})
    check_no_repeats([e["ledger_seq"] for e in resolved])
    return resolved


def ledger_view(evidence: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Evidence as a ledger payload carries it: ids and hashes, the note as its hash."""
    return [{"ledger_seq": e["ledger_seq"], "event_id": e["event_id"],
             "entry_hash": e["entry_hash"], "note_sha256": text_sha256(e["note"])}
            for e in evidence]


def order_entries(audit: AuditClient, order_id: str, grant_ids: list[str]) -> list[EntryOut]:
    """The ledger entries a party may cite about the order, in log order."""
    try:
        found = {e.seq: e for subject in (order_id, *grant_ids)
                 for e in audit.all_entries(subject=subject)}
    except ApiProblem as problem:
        raise ServiceUnavailable(f"the audit ledger could not be read: {problem.detail}") \
            from None
    return [found[seq] for seq in sorted(found)
            if concerns_order(found[seq].record, order_id, grant_ids)]
