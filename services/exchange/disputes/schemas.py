"""Request and response bodies of the dispute API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from services.exchange.money.schemas import Fen
from services.shared.bounds import MAX_INTEGER


class Evidence(BaseModel):
    """A ledger entry cited as evidence: its sequence number or event id, and why."""

    model_config = ConfigDict(extra="forbid")

    ledger_seq: int | None = Field(default=None, ge=0, le=MAX_INTEGER)
    event_id: str | None = Field(default=None, max_length=64)
    note: str = Field(default="", max_length=500)

    @model_validator(mode="after")
    def _names_an_entry(self) -> Evidence:
        if self.ledger_seq is None and self.event_id is None:
            raise ValueError("evidence names a ledger entry by ledger_seq or event_id")
        return self


class DisputeCreate(BaseModel):
    """A party's complaint about a paid order."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    order_id: str
    reason: str = Field(min_length=2, max_length=4000)
    evidence: list[Evidence] = Field(default_factory=list, max_length=50)


class Answer(BaseModel):
    """The respondent's (the other party's) statement and evidence."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    statement: str = Field(min_length=2, max_length=4000)
    evidence: list[Evidence] = Field(default_factory=list, max_length=50)


class Ruling(BaseModel):
    """A regulator's ruling, citing the evidence it rests on by ledger seq."""

    model_config = ConfigDict(extra="forbid")

    outcome: Literal["refund_full", "refund_partial", "reject"]
    refund_fen: Fen | None = None
    reason: str = Field(default="", max_length=4000)
    cited_evidence: list[Annotated[int, Field(ge=0, le=MAX_INTEGER)]] = Field(
        default_factory=list, max_length=100,
        description="ledger seqs of the case's evidence the ruling rests on (required when "
                    "the case has evidence)")


class EvidenceOut(BaseModel):
    """A cited ledger entry, checked to exist and to belong to the order."""

    ledger_seq: int
    event_id: str
    type: str
    entry_hash: str
    note: str
    cited_by: str


class LedgerEntryOut(BaseModel):
    """One of the order's ledger entries, which a party may cite."""

    ledger_seq: int
    event_id: str
    type: str
    actor: str
    subject: str
    occurred_at: str
    entry_hash: str


class DisputeOut(BaseModel):
    """A dispute and, once ruled, the ruling."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    order_id: str
    status: Literal["open", "ruled"]
    opened_by_org_id: str
    opened_by_role: str
    reason: str
    evidence: list[dict[str, Any]]
    answer_due_at: datetime | None
    answer: str | None
    answer_evidence: list[dict[str, Any]] | None
    answered_by_org_id: str | None
    answered_at: datetime | None
    cited_evidence: list[int] | None
    outcome: str | None
    refund_fen: int | None
    ruling_reason: str | None
    ruled_at: datetime | None
    created_at: datetime
