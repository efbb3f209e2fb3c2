"""Request and response bodies of the payouts API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.exchange.market.statuses import PayoutStatus
from services.exchange.money.schemas import PositiveFen


class BankAccountIn(BaseModel):
    """The bank account payouts go to."""

    model_config = ConfigDict(extra="forbid")

    account_name: str = Field(max_length=100, description="the holder's name as the bank has it")
    bank_name: str = Field(max_length=100, description="bank and branch")
    account_number: str = Field(max_length=40, description="8 to 32 digits; spaces and "
                                "hyphens are ignored")


class BankAccountOut(BaseModel):
    """The bank account on file (the number masked but for its last four digits)."""

    model_config = ConfigDict(from_attributes=True)

    org_id: str
    account_name: str
    bank_name: str
    account_number_masked: str
    bank_account_sha256: str = Field(description="the salted hash the ledger records")
    updated_at: datetime


class PayoutIn(BaseModel):
    """A payout to request from the available balance."""

    model_config = ConfigDict(extra="forbid")

    amount_fen: PositiveFen


class PaidIn(BaseModel):
    """The bank's reference for the transfer the operator made."""

    model_config = ConfigDict(extra="forbid")

    bank_reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                     max_length=100)]


class RejectIn(BaseModel):
    """Why a payout is rejected (the money returns to the member)."""

    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=1000)]


class PayoutOut(BaseModel):
    """A payout. Its member and operators see the bank account in full (to pay it)."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    org_id: str
    amount_fen: int
    status: PayoutStatus
    account_name: str
    bank_name: str
    account_number: str
    bank_account_sha256: str
    requested_at: datetime
    request_entry_id: str
    decided_at: datetime | None
    decision_entry_id: str | None
    bank_reference: str | None
    reason: str | None
