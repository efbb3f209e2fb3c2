"""The ``dataset_files`` table: one uploaded file of one dataset revision."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from services.catalog.db import Base
from services.shared.orm import UTCDateTime


class DatasetFile(Base):
    """A data file attached to ``(dataset_id, revision)``; its content is the blob
    addressed by ``sha256``."""

    __tablename__ = "dataset_files"
    __table_args__ = (
        ForeignKeyConstraint(
            ["dataset_id", "revision"],
            ["dataset_revisions.dataset_id", "dataset_revisions.revision"],
            name="fk_dataset_files_revision",
            ondelete="CASCADE",
        ),
        Index("ix_dataset_files_dataset_id", "dataset_id", "revision"),
        Index("ix_dataset_files_sha256", "sha256"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    dataset_id: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    bytes: Mapped[int] = mapped_column(BigInteger)
    rows: Mapped[int] = mapped_column(BigInteger)
    format: Mapped[str] = mapped_column(String(8))
    original_name: Mapped[str] = mapped_column(String(255))
    quality: Mapped[dict[str, Any]] = mapped_column(JSON)
    sample: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    pii: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A withdrawn file is no longer served; its row (and hash) stay.
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    withdrawn_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    withdraw_reason: Mapped[str | None] = mapped_column(Text, nullable=True)


class AnonymousAccess(Base):
    """Anonymous accesses to one dataset's open data by one client (a keyed hash of its
    address) in one period, counted; the ledger gets one entry for the whole period
    (``recorded_at`` once it has)."""

    __tablename__ = "anonymous_access"
    __table_args__ = (
        UniqueConstraint("client_sha256", "dataset_id", "period_start",
                         name="uq_anonymous_access_period"),
        Index("ix_anonymous_access_unrecorded", "recorded_at", "period_start"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"),
                                    primary_key=True, autoincrement=True)
    client_sha256: Mapped[str] = mapped_column(String(64))
    dataset_id: Mapped[str] = mapped_column(String(40))
    period_start: Mapped[datetime] = mapped_column(UTCDateTime())
    period_seconds: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(BigInteger)
    bytes_sent: Mapped[int] = mapped_column(BigInteger)
    rows_read: Mapped[int] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
