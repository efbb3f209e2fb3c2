"""Offer table: an asset's price plan and usage policy, as published."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.exchange.db import Base
from services.shared.orm import UTCDateTime


class Offer(Base):
    """A provider's standing offer to license an asset on a price plan."""

    __tablename__ = "offers"
    __table_args__ = (Index("ix_offers_status_created_at", "status", "created_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    asset_id: Mapped[str] = mapped_column(ForeignKey("assets.id"), index=True)
    provider_org_id: Mapped[str] = mapped_column(String(40), index=True)
    status: Mapped[str] = mapped_column(String(16))
    plan: Mapped[str] = mapped_column(String(16))
    price_fen: Mapped[int] = mapped_column(BigInteger)
    term_days: Mapped[int] = mapped_column(Integer)
    period_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    unit: Mapped[str | None] = mapped_column(String(16), nullable=True)
    tiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    rights: Mapped[list[str]] = mapped_column(JSON)
    usage: Mapped[dict[str, Any]] = mapped_column(JSON)
    policy: Mapped[dict[str, Any]] = mapped_column(JSON)
    terms_sha256: Mapped[str] = mapped_column(String(64))
    includes_updates: Mapped[bool] = mapped_column(default=False)
    # Copied from the asset so that search and matching read one row.
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    themes: Mapped[list[str]] = mapped_column(JSON)
    keywords: Mapped[list[str]] = mapped_column(JSON)
    public_data: Mapped[bool] = mapped_column(default=False)
    grade: Mapped[str] = mapped_column(String(16))
    quality_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    cap_theme: Mapped[str | None] = mapped_column(String(32), nullable=True)
    cap_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    @property
    def rights_granted(self) -> list[str]:
        """The rights a contract over this offer grants its buyer."""
        return list(self.rights)
