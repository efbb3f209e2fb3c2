"""Money tables: accounts, journal entries and their postings.

Members' balances are kept on their account rows, updated in the same transaction as
the postings (and checked there against going negative). The exchange's fee income and
the bank-clearing account take part in every settlement or deposit, so keeping a
balance on their rows would make every trade wait on one row; their balances are the
sums of their postings instead.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from services.exchange.db import Base
from services.shared.orm import UTCDateTime
from services.shared.outbox import AutoId


class MoneyAccount(Base):
    """One account; ``balance_fen`` is kept for members' accounts only (see above)."""

    __tablename__ = "money_accounts"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    owner: Mapped[str] = mapped_column(String(40), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    balance_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class JournalEntryRow(Base):
    """A balanced movement of money."""

    __tablename__ = "money_journal_entries"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    order_id: Mapped[str | None] = mapped_column(String(40), nullable=True, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    reference: Mapped[str | None] = mapped_column(String(100), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PostingRow(Base):
    """One side of a journal entry: an account and a signed amount."""

    __tablename__ = "money_postings"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(ForeignKey("money_journal_entries.id"), index=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("money_accounts.id"), index=True)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
