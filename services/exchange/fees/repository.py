"""SQL for the fee schedule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.fees.tables import ExchangeFee


def fee_at(session: Session, at: datetime) -> ExchangeFee | None:
    """The schedule entry in effect at ``at``: the latest to start by then (the one set
    last when two start together), or None before any."""
    return session.scalars(
        select(ExchangeFee).where(ExchangeFee.effective_at <= at)
        .order_by(ExchangeFee.effective_at.desc(), ExchangeFee.set_at.desc()).limit(1)
    ).first()


def schedule(session: Session, limit: int) -> list[ExchangeFee]:
    """The schedule, latest start first."""
    return list(session.scalars(
        select(ExchangeFee).order_by(ExchangeFee.effective_at.desc(),
                                     ExchangeFee.set_at.desc()).limit(limit)).all())
