"""Public-data pricing tables: price caps and approved public-interest purposes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.exchange.db import Base
from services.shared.orm import UTCDateTime


class PriceCap(Base):
    """A regulator's ceiling on offers of public bodies' data for one theme and plan."""

    __tablename__ = "price_caps"

    theme: Mapped[str] = mapped_column(String(32), primary_key=True)
    plan: Mapped[str] = mapped_column(String(16), primary_key=True)
    max_price_fen: Mapped[int] = mapped_column(BigInteger)
    reason: Mapped[str] = mapped_column(Text)
    set_by: Mapped[str] = mapped_column(String(64))
    set_at: Mapped[datetime] = mapped_column(UTCDateTime())


class PublicInterestApproval(Base):
    """A regulator's approval of a buyer's public-interest purpose (research, welfare)."""

    __tablename__ = "public_interest_approvals"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    org_id: Mapped[str] = mapped_column(String(40), index=True)
    category: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    approved_by: Mapped[str] = mapped_column(String(64))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
