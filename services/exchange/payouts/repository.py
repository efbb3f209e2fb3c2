"""SQL for payouts: bank accounts on file, payouts by organisation, status or day."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.market.statuses import PayoutStatus
from services.exchange.payouts.tables import Payout, PayoutBankAccount


def bank_account_of(session: Session, org_id: str) -> PayoutBankAccount | None:
    """The organisation's bank account on file, if any."""
    return session.get(PayoutBankAccount, org_id)


def payout(session: Session, payout_id: str, *, for_update: bool = False) -> Payout | None:
    """One payout (its row locked until the commit with ``for_update``)."""
    return session.get(Payout, payout_id, with_for_update=for_update or None)


def payouts(session: Session, *, org_id: str | None, status: PayoutStatus | None,
            limit: int) -> list[Payout]:
    """Payouts, newest first, of one organisation or all, in one status or any."""
    stmt = select(Payout).order_by(Payout.requested_at.desc(), Payout.id.desc()).limit(limit)
    if org_id is not None:
        stmt = stmt.where(Payout.org_id == org_id)
    if status is not None:
        stmt = stmt.where(Payout.status == status.value)
    return list(session.scalars(stmt).all())


def paid_between(session: Session, start: datetime, end: datetime) -> list[Payout]:
    """Payouts marked paid in ``[start, end)``, in the order they were paid."""
    return list(session.scalars(
        select(Payout).where(Payout.status == PayoutStatus.PAID.value,
                             Payout.decided_at >= start, Payout.decided_at < end)
        .order_by(Payout.decided_at, Payout.id)).all())


def pending_at(session: Session, at: datetime) -> list[Payout]:
    """Payouts requested before ``at`` and not yet decided then."""
    return list(session.scalars(
        select(Payout).where(Payout.requested_at < at,
                             (Payout.decided_at.is_(None)) | (Payout.decided_at >= at))
        .order_by(Payout.requested_at, Payout.id)).all())
