"""Payout tables: each member's bank account on file and its payouts.

Bank details live here only; the ledger carries the account's salted hash.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.exchange.db import Base
from services.shared.orm import UTCDateTime


class PayoutBankAccount(Base):
    """The bank account an organisation's payouts are paid to (one per organisation)."""

    __tablename__ = "payout_bank_accounts"

    org_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account_name: Mapped[str] = mapped_column(String(100))
    bank_name: Mapped[str] = mapped_column(String(100))
    account_number: Mapped[str] = mapped_column(String(32))
    salt: Mapped[str] = mapped_column(String(32))
    bank_account_sha256: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    @property
    def account_number_masked(self) -> str:
        """The number with all but its last four digits hidden."""
        return "*" * (len(self.account_number) - 4) + self.account_number[-4:]


class Payout(Base):
    """A payout: the amount, the bank account as it was when requested, the decision."""

    __tablename__ = "payouts"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(40), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(16), index=True)
    account_name: Mapped[str] = mapped_column(String(100))
    bank_name: Mapped[str] = mapped_column(String(100))
    account_number: Mapped[str] = mapped_column(String(32))
    bank_account_sha256: Mapped[str] = mapped_column(String(64))
    requested_by: Mapped[str] = mapped_column(String(64))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    request_entry_id: Mapped[str] = mapped_column(String(40))
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)
    decision_entry_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    bank_reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
