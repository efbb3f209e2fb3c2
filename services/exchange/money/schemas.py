"""Request and response bodies of the accounts API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, Strict

# Money in requests: an integer number of fen, never a float or a numeric string.
Fen = Annotated[int, Strict(), Field(ge=0, le=10**15)]
PositiveFen = Annotated[int, Strict(), Field(gt=0, le=10**15)]


class AccountOut(BaseModel):
    """A member's money on the exchange (fen)."""

    org_id: str
    balance_fen: int = Field(description="available: may be spent on orders")
    escrow_fen: int = Field(description="held for paid orders until they settle or refund")
    currency: Literal["CNY"] = "CNY"


class DepositIn(BaseModel):
    """An external bank deposit to credit."""

    model_config = ConfigDict(extra="forbid")

    amount_fen: PositiveFen
    reference: str | None = Field(default=None, max_length=100,
                                  description="the bank's transaction reference")


class DepositOut(AccountOut):
    """The deposit's journal entry and the balances after it."""

    journal_entry_id: str
    amount_fen: int


class PostingOut(BaseModel):
    """One posting on the member's own accounts."""

    account: str
    amount_fen: int


class EntryOut(BaseModel):
    """A journal entry touching the member's accounts."""

    id: str
    kind: str
    order_id: str | None
    created_at: datetime
    postings: list[PostingOut]


class TrialBalanceOut(BaseModel):
    """Every account's balance from its postings; they sum to zero when money is
    conserved, and members' kept balances must equal their postings."""

    balances: dict[str, int]
    total_fen: int
    balanced: bool
    kept_mismatches: dict[str, list[int]]
