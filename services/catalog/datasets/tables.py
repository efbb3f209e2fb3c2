"""Dataset tables: the dataset and its review state, its revisions, their themes.

A dataset's metadata lives in numbered revisions. A revision that has been public
(``published_at`` set) never changes again: editing such a dataset makes the next
revision. Files attach to one revision through the key ``(dataset_id, revision)``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.catalog.db import Base
from services.shared.orm import UTCDateTime


class Dataset(Base):
    """A dataset: who publishes it, where it is in the review, its newest revision."""

    __tablename__ = "datasets"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    publisher_org_id: Mapped[str] = mapped_column(String(40))
    publisher_name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)
    # The newest revision's classification, copied here so that search filters on it.
    open_type: Mapped[str] = mapped_column(String(16))
    grade: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    listed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    regulator_approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    regulator_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    # File contents (sha256) an operator let stay general + unconditional despite
    # resident IDs or bank cards in them (ledger: dataset.pii_overridden).
    pii_override_sha256s: Mapped[list[str] | None] = mapped_column(JSON, nullable=True)


class DatasetRevision(Base):
    """One numbered version of a dataset's metadata."""

    __tablename__ = "dataset_revisions"

    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), primary_key=True
    )
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(300))
    description_zh: Mapped[str] = mapped_column(Text)
    description_en: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JSON)
    contact_point: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    licence: Mapped[str] = mapped_column(String(500))
    update_frequency: Mapped[str] = mapped_column(String(16))
    temporal_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    temporal_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    spatial_code: Mapped[str | None] = mapped_column(String(12), nullable=True)
    spatial_name: Mapped[str | None] = mapped_column(String(100), nullable=True)
    open_type: Mapped[str] = mapped_column(String(16))
    grade: Mapped[str] = mapped_column(String(16))
    columns: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    metadata_sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)

    theme_rows: Mapped[list[RevisionTheme]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="RevisionTheme.position"
    )

    @property
    def themes(self) -> list[str]:
        """The revision's theme codes, in the publisher's order."""
        return [row.theme_code for row in self.theme_rows]


class RevisionTheme(Base):
    """A theme of one revision; the foreign key keeps codes inside the vocabulary."""

    __tablename__ = "revision_themes"
    __table_args__ = (
        ForeignKeyConstraint(
            ["dataset_id", "revision"],
            ["dataset_revisions.dataset_id", "dataset_revisions.revision"],
            name="fk_revision_themes_revision",
            ondelete="CASCADE",
        ),
        Index("ix_revision_themes_theme_code", "theme_code", "dataset_id"),
    )

    dataset_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, primary_key=True)
    theme_code: Mapped[str] = mapped_column(ForeignKey("themes.code"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
