"""The fee schedule: every fee an operator set and from when it applies."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.exchange.db import Base
from services.shared.orm import UTCDateTime


class ExchangeFee(Base):
    """A fee of ``fee_bps`` basis points from ``effective_at`` (the start of its
    ``effective_date`` in Beijing, or when it was set if that was the same day)."""

    __tablename__ = "exchange_fees"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    fee_bps: Mapped[int] = mapped_column(Integer)
    effective_date: Mapped[date] = mapped_column(Date)
    effective_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())
