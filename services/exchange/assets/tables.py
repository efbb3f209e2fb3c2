"""Asset tables: registrations over catalog datasets, with the hashes they pinned."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.exchange.db import Base
from services.shared.orm import UTCDateTime


class Asset(Base):
    """A data asset (数据资产): a provider's claim of rights over listed datasets."""

    __tablename__ = "assets"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner_org_id: Mapped[str] = mapped_column(String(40), index=True)
    name: Mapped[str] = mapped_column(String(200))
    rights: Mapped[list[str]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16), index=True)
    # What the datasets say, pinned at registration.
    grade: Mapped[str] = mapped_column(String(16))
    open_type: Mapped[str] = mapped_column(String(16))
    public_data: Mapped[bool] = mapped_column(default=False)
    themes: Mapped[list[str]] = mapped_column(JSON)
    keywords: Mapped[list[str]] = mapped_column(JSON)
    quality_score: Mapped[int | None] = mapped_column(Integer, nullable=True)
    rows: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    content_sha256: Mapped[str] = mapped_column(String(64))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    certificate_no: Mapped[str | None] = mapped_column(String(40), unique=True, nullable=True)
    certificate: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    revoked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoke_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    suspended_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    suspended_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    suspend_reason: Mapped[str | None] = mapped_column(Text, nullable=True)

    datasets: Mapped[list[AssetDataset]] = relationship(
        back_populates="asset", cascade="all, delete-orphan", lazy="selectin",
        order_by="AssetDataset.position",
    )

    @property
    def dataset_ids(self) -> list[str]:
        """The registered datasets' ids, in registration order."""
        return [d.dataset_id for d in self.datasets]


class AssetDataset(Base):
    """One dataset of an asset and the hashes pinned when the asset was registered."""

    __tablename__ = "asset_datasets"

    asset_id: Mapped[str] = mapped_column(
        ForeignKey("assets.id", ondelete="CASCADE"), primary_key=True
    )
    dataset_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    metadata_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    content_basis: Mapped[str] = mapped_column(String(32))

    asset: Mapped[Asset] = relationship(back_populates="datasets")

    def pinned(self) -> dict[str, Any]:
        """The hashes this dataset was registered with, as certificates show them."""
        return {"dataset_id": self.dataset_id, "revision": self.revision,
                "metadata_sha256": self.metadata_sha256, "content_sha256": self.content_sha256,
                "content_basis": self.content_basis, "files": self.files}



class AssetUpdate(Base):
    """A provider's new revision of one of an asset's datasets, pinned when submitted.
    Once an operator approves it, grants of offers that include updates reach its
    files."""

    __tablename__ = "asset_updates"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    asset_id: Mapped[str] = mapped_column(ForeignKey("assets.id"), index=True)
    dataset_id: Mapped[str] = mapped_column(String(40))
    revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
    metadata_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    files: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    content_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    submitted_by: Mapped[str] = mapped_column(String(64))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    decided_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    decision_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
