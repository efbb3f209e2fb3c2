"""Authorisations of public-data operators (公共数据授权运营)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.exchange.db import Base
from services.shared.orm import UTCDateTime


class OperatingAuthorisation(Base):
    """A regulator's authorisation of one operator organisation to trade one not-open
    asset for a stated scenario, within a term; revocable."""

    __tablename__ = "operating_authorisations"
    __table_args__ = (Index("ix_operating_authorisations_asset_operator", "asset_id",
                            "operator_org_id"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    asset_id: Mapped[str] = mapped_column(ForeignKey("assets.id"))
    operator_org_id: Mapped[str] = mapped_column(String(40), index=True)
    scenario: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    granted_by: Mapped[str] = mapped_column(String(64))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    revoke_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
