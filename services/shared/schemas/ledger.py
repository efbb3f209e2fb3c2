"""Request and response bodies of the audit service's ledger API (``/v1/entries``,
checkpoints, proofs, source keys), shared with :class:`services.clients.AuditClient`."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class EntryIn(BaseModel):
    """A signed event record as its source submits it."""

    model_config = ConfigDict(extra="forbid")

    record: dict[str, Any] = Field(description="event_id, type, source, actor, subject, "
                                               "occurred_at, payload")
    kid: str = Field(description="the source key that signed the record")
    signature: str = Field(description="hex Ed25519 signature of the record's canonical JSON")


class EntryBatchIn(BaseModel):
    """Several entries, appended atomically in order."""

    model_config = ConfigDict(extra="forbid")

    entries: list[EntryIn] = Field(min_length=1, max_length=5000)


class AppendedOut(BaseModel):
    """Where an event is in the log."""

    event_id: str
    seq: int
    entry_hash: str
    created: bool = Field(description="false when the log already had this event")


class AppendBatchOut(BaseModel):
    """The place of each submitted event, in submission order."""

    entries: list[AppendedOut]


class EntryOut(BaseModel):
    """A ledger entry with its hashes and signature."""

    seq: int
    event_id: str
    type: str
    source: str
    actor: str
    subject: str
    occurred_at: str
    recorded_at: str
    record: dict[str, Any]
    kid: str
    signature: str
    prev_hash: str
    entry_hash: str
    leaf_hash: str


class EntryPage(BaseModel):
    """A page of entries; ``next_after_seq`` continues it."""

    items: list[EntryOut]
    next_after_seq: int | None


class CheckpointOut(BaseModel):
    """A signed tree head."""

    tree_size: int
    root_hash: str
    timestamp: str
    signature: str
    kid: str
    log: str
    previous_size: int | None = None
    consistency_path: list[str] = []


class InclusionProofOut(BaseModel):
    """RFC 9162 §2.1.3 inclusion proof."""

    leaf_index: int
    tree_size: int
    leaf_hash: str
    audit_path: list[str]
    root_hash: str


class ConsistencyProofOut(BaseModel):
    """RFC 9162 §2.1.4 consistency proof."""

    first: int
    second: int
    consistency_path: list[str]
    first_root: str
    second_root: str


class SourceKeyIn(BaseModel):
    """A source's Ed25519 public key as a JWK."""

    model_config = ConfigDict(extra="forbid")

    jwk: dict[str, Any]
