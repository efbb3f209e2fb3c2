"""Disputes over orders and their rulings."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.exchange.db import Base
from services.shared.orm import UTCDateTime


class Dispute(Base):
    """A party's complaint about a paid order; a regulator rules on it."""

    __tablename__ = "disputes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), unique=True)
    opened_by: Mapped[str] = mapped_column(String(64))
    opened_by_org_id: Mapped[str] = mapped_column(String(40))
    opened_by_role: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str] = mapped_column(Text)
    evidence: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True)
    answer_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    answer: Mapped[str | None] = mapped_column(Text, nullable=True)
    answer_evidence: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON, nullable=True)
    answered_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    answered_by_org_id: Mapped[str | None] = mapped_column(String(40), nullable=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    cited_evidence: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    outcome: Mapped[str | None] = mapped_column(String(24), nullable=True)
    refund_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    ruling_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    ruled_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    ruled_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
