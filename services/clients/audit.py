"""The audit service's API as a typed client: appending signed events, reading
entries, checkpoints and proofs, exporting a bundle for ``dataex verify``."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from services.clients.connection import ServiceApi, parsed
from services.clients.problem import ApiProblem
from services.shared.keyring import KeyRing
from services.shared.schemas.ledger import (
    AppendBatchOut,
    CheckpointOut,
    ConsistencyProofOut,
    EntryOut,
    EntryPage,
    InclusionProofOut,
)
from services.shared.settings import AUDIENCES

PAGE_LIMIT = 1000
CHECKPOINT_LIST = TypeAdapter(list[CheckpointOut])


class AuditClient(ServiceApi):
    """Calls the audit service with the connection's credentials (a service's own token
    to append, a regulator's to read entries and export; proofs are public)."""

    SERVICE = "the audit service"
    AUDIENCE = AUDIENCES["audit"]
    TIMEOUT = 15.0

    def register_key(self, jwk: dict[str, Any]) -> dict[str, Any]:
        """Register one of the calling service's event-signing public keys."""
        answer: dict[str, Any] = self.connection.post_json("/v1/sources/keys", {"jwk": jwk})
        return answer

    def append(self, entries: list[dict[str, Any]]) -> AppendBatchOut:
        """Append signed entries atomically, in order (idempotent on each event id)."""
        answer = self.connection.request("POST", "/v1/entries", json={"entries": entries})
        return parsed(AppendBatchOut, answer)

    def deliver(self, entries: list[dict[str, Any]], *, keys: KeyRing) -> dict[str, int]:
        """Append a source's signed entries, registering every key of its ring first when
        the ledger does not know the signing key (old keys too: their events may still
        be waiting in an outbox); each event id's sequence number."""
        try:
            answer = self.append(entries)
        except ApiProblem as problem:
            if problem.slug != "unknown-key":
                raise
            for key in keys.verification_keys():
                self.register_key(key.jwk())
            answer = self.append(entries)
        return {item.event_id: item.seq for item in answer.entries}

    def entries(self, *, after_seq: int = -1, limit: int = PAGE_LIMIT,
                **filters: str | None) -> EntryPage:
        """One page of entries after ``after_seq`` (``type``, ``subject``, ``source``
        filter them)."""
        params: dict[str, Any] = {"after_seq": after_seq, "limit": limit,
                                  **{k: v for k, v in filters.items() if v is not None}}
        return parsed(EntryPage, self.connection.request("GET", "/v1/entries", params=params))

    def all_entries(self, **filters: str | None) -> list[EntryOut]:
        """Every entry, page after page."""
        items: list[EntryOut] = []
        after = -1
        while True:
            page = self.entries(after_seq=after, limit=PAGE_LIMIT, **filters)
            items.extend(page.items)
            if page.next_after_seq is None:
                return items
            after = page.next_after_seq

    def entry(self, seq: int) -> EntryOut:
        """The entry at ``seq``."""
        return parsed(EntryOut, self.connection.request("GET", f"/v1/entries/{seq}"))

    def latest_checkpoint(self) -> CheckpointOut:
        """The newest signed checkpoint."""
        return parsed(CheckpointOut, self.connection.request("GET", "/v1/checkpoints/latest"))

    def checkpoint(self, tree_size: int) -> CheckpointOut:
        """The checkpoint signed at ``tree_size``."""
        return parsed(CheckpointOut,
                      self.connection.request("GET", f"/v1/checkpoints/{tree_size}"))

    def checkpoints(self, *, after_size: int = 0, limit: int = 100) -> list[CheckpointOut]:
        """Signed checkpoints over trees larger than ``after_size``, oldest first."""
        answer = self.connection.request("GET", "/v1/checkpoints",
                                         params={"after_size": after_size, "limit": limit})
        try:
            return CHECKPOINT_LIST.validate_json(answer.content)
        except ValidationError as exc:
            raise ApiProblem.unreadable("the checkpoint list could not be read") from exc

    def sign_checkpoint(self) -> CheckpointOut:
        """Have the ledger sign a checkpoint now."""
        return parsed(CheckpointOut, self.connection.request("POST", "/v1/checkpoints"))

    def inclusion_proof(self, seq: int, tree_size: int | None = None) -> InclusionProofOut:
        """Proof that entry ``seq`` is in the tree of ``tree_size`` (default: the latest
        checkpoint's)."""
        params = {"seq": seq, **({"tree_size": tree_size} if tree_size else {})}
        return parsed(InclusionProofOut,
                      self.connection.request("GET", "/v1/proofs/inclusion", params=params))

    def consistency_proof(self, first: int, second: int | None = None) -> ConsistencyProofOut:
        """Proof that the tree of ``second`` entries extends the tree of ``first``."""
        params = {"first": first, **({"second": second} if second else {})}
        return parsed(ConsistencyProofOut,
                      self.connection.request("GET", "/v1/proofs/consistency", params=params))

    def keys(self) -> dict[str, Any]:
        """The ledger's checkpoint keys and every source's event-signing keys."""
        answer: dict[str, Any] = self.connection.get_json("/v1/keys")
        return answer

    def export(self, destination: Path, *, format: Literal["jsonl", "tar"] = "jsonl") -> int:
        """Download the ledger as a bundle to ``destination``; the bytes written."""
        written = 0
        with self.connection.stream("GET", "/v1/export", params={"format": format}) as answer, \
                destination.open("wb") as out:
            for chunk in answer.iter_bytes():
                written += out.write(chunk)
        return written

    def entry_of_event(self, event_id: str) -> EntryOut:
        """The entry that recorded ``event_id`` (regulators and services)."""
        return parsed(EntryOut, self.connection.request("GET", f"/v1/events/{event_id}"))
