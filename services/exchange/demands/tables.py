"""Buyers' demands."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.exchange.db import Base
from services.shared.orm import UTCDateTime


class Demand(Base):
    """What a buyer is looking for: text, themes, a budget and a purpose."""

    __tablename__ = "demands"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    buyer_org_id: Mapped[str] = mapped_column(String(40), index=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    themes: Mapped[list[str]] = mapped_column(JSON)
    budget_fen: Mapped[int] = mapped_column(BigInteger)
    purpose_category: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
