"""SQL for the reconciliation: the day's deposits and bank-clearing postings."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from services.exchange.money.model import BANK_CLEARING, EntryKind
from services.exchange.money.tables import JournalEntryRow, PostingRow
from services.exchange.reconciliation.model import ClearingPosting, DepositLine


def deposits_between(session: Session, start: datetime, end: datetime) -> list[DepositLine]:
    """Deposit entries in ``[start, end)`` with the member each credited."""
    rows = session.execute(
        select(JournalEntryRow.id, JournalEntryRow.created_at, JournalEntryRow.reference,
               PostingRow.account_id, PostingRow.amount_fen)
        .join(PostingRow, PostingRow.entry_id == JournalEntryRow.id)
        .where(JournalEntryRow.kind == EntryKind.DEPOSIT.value,
               JournalEntryRow.created_at >= start, JournalEntryRow.created_at < end,
               PostingRow.account_id != BANK_CLEARING.key)
        .order_by(JournalEntryRow.created_at, JournalEntryRow.id)).all()
    return [DepositLine(r.id, str(r.account_id).rpartition(":")[0], int(r.amount_fen),
                        r.created_at, r.reference) for r in rows]


def clearing_between(session: Session, start: datetime, end: datetime) -> list[ClearingPosting]:
    """Every bank-clearing posting of entries made in ``[start, end)``."""
    rows = session.execute(
        select(JournalEntryRow.id, JournalEntryRow.kind, PostingRow.amount_fen)
        .join(PostingRow, PostingRow.entry_id == JournalEntryRow.id)
        .where(PostingRow.account_id == BANK_CLEARING.key,
               JournalEntryRow.created_at >= start, JournalEntryRow.created_at < end)
        .order_by(JournalEntryRow.created_at, JournalEntryRow.id)).all()
    return [ClearingPosting(r.id, r.kind, int(r.amount_fen)) for r in rows]


def held_before(session: Session, at: datetime) -> int:
    """Money held from banks before ``at``: minus the clearing account's balance then."""
    total = session.scalar(
        select(func.coalesce(func.sum(PostingRow.amount_fen), 0))
        .join(JournalEntryRow, PostingRow.entry_id == JournalEntryRow.id)
        .where(PostingRow.account_id == BANK_CLEARING.key, JournalEntryRow.created_at < at))
    return -int(total or 0)
