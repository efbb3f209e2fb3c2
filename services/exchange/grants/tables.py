"""Access grants and the usage the catalog reports against them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.exchange.db import Base
from services.shared.orm import UTCDateTime


class AccessGrant(Base):
    """A buyer's right to use a contract's datasets until the end of its term."""

    __tablename__ = "access_grants"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), unique=True)
    buyer_org_id: Mapped[str] = mapped_column(String(40), index=True)
    dataset_ids: Mapped[list[str]] = mapped_column(JSON)
    rights_granted: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    unit: Mapped[str | None] = mapped_column(String(16), nullable=True)
    quota: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    used_calls: Mapped[int] = mapped_column(BigInteger, default=0)
    used_rows: Mapped[int] = mapped_column(BigInteger, default=0)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoke_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class GrantUsage(Base):
    """One usage report from the catalog (``report_id`` makes reports idempotent).

    A voided report no longer counts: ``voided_at`` is set and its calls and rows were
    taken off the grant. A report voided before it arrived is a tombstone (0 calls,
    0 rows) that makes the late report be refused."""

    __tablename__ = "access_grant_usage"

    grant_id: Mapped[str] = mapped_column(ForeignKey("access_grants.id"), primary_key=True)
    report_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    dataset_id: Mapped[str] = mapped_column(String(40))
    calls: Mapped[int] = mapped_column(BigInteger)
    rows: Mapped[int] = mapped_column(BigInteger)
    reported_by: Mapped[str] = mapped_column(String(64))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime())
    voided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    void_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    voided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
