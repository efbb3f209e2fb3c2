"""The reconciliation report's body."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field


class DepositLineOut(BaseModel):
    """A deposit recorded that day."""

    model_config = ConfigDict(from_attributes=True)

    journal_entry_id: str
    org_id: str
    amount_fen: int
    at: datetime
    reference: str | None


class PayoutLineOut(BaseModel):
    """A payout paid that day."""

    model_config = ConfigDict(from_attributes=True)

    payout_id: str
    org_id: str
    amount_fen: int
    at: datetime
    bank_reference: str | None
    journal_entry_id: str


class ReconciliationOut(BaseModel):
    """A business day (00:00-24:00 Beijing time) reconciled against the journal."""

    model_config = ConfigDict(from_attributes=True)

    day: date
    deposits: list[DepositLineOut]
    payouts: list[PayoutLineOut]
    deposits_fen: int = Field(description="sum of the deposits listed")
    payouts_fen: int = Field(description="sum of the payouts listed")
    journal_in_fen: int = Field(description="money in from banks, per the journal")
    journal_out_fen: int = Field(description="money out to banks, per the journal")
    opening_fen: int = Field(description="money held from banks at the day's start")
    closing_fen: int = Field(description="... and at its end")
    pending_payouts_fen: int = Field(description="requested, not yet paid or rejected, "
                                     "at the day's end")
    balanced: bool
    problems: list[str]
