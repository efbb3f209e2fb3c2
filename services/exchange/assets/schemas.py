"""Request and response bodies of the asset API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Right = Literal["holding", "processing", "operation"]
AssetStatus = Literal["pending", "registered", "rejected", "suspended", "revoked"]


class AssetCreate(BaseModel):
    """Registration of a data asset over the caller's listed datasets."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=2, max_length=200)
    dataset_ids: list[str] = Field(min_length=1, max_length=20)
    rights: list[Right] = Field(
        min_length=1, max_length=3,
        description="the three rights (数据二十条) claimed: resource holding, processing and "
                    "use, product operation")

    @field_validator("dataset_ids", "rights")
    @classmethod
    def _distinct(cls, values: list[str]) -> list[str]:
        if len(set(values)) != len(values):
            raise ValueError("values must not repeat")
        return values


class Decision(BaseModel):
    """An operator's review decision."""

    model_config = ConfigDict(extra="forbid")

    approve: bool
    reason: str = Field(default="", max_length=2000)


class Revocation(BaseModel):
    """Why a registration is revoked."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=2000)


class PinnedDataset(BaseModel):
    """A dataset of the asset with the hashes pinned at registration."""

    dataset_id: str
    revision: int | None
    metadata_sha256: str | None
    content_sha256: str
    content_basis: Literal["files", "metadata"]
    files: list[dict[str, Any]]


class AssetOut(BaseModel):
    """A registered (or pending) data asset."""

    id: str
    name: str
    owner_org_id: str
    status: AssetStatus
    rights: list[Right]
    datasets: list[PinnedDataset]
    grade: str
    open_type: str
    public_data: bool
    themes: list[str]
    quality_score: int | None
    content_sha256: str
    certificate_no: str | None
    created_at: datetime
    decided_at: datetime | None
    decision_reason: str | None
    revoked_at: datetime | None
    suspended_at: datetime | None = None
    suspend_reason: str | None = None


class AssetPage(BaseModel):
    """A page of assets and the cursor of the next."""

    items: list[AssetOut]
    next_cursor: str | None


class UpdateIn(BaseModel):
    """Which of the asset's datasets to submit, at its current revision."""

    model_config = ConfigDict(extra="forbid")

    dataset_id: str = Field(min_length=1, max_length=40)


class UpdateOut(BaseModel):
    """A dataset's new revision submitted as an update of an asset, and its review."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    asset_id: str
    dataset_id: str
    revision: int | None
    metadata_sha256: str | None
    files: list[dict[str, Any]]
    content_sha256: str
    status: Literal["pending", "approved", "rejected"]
    submitted_at: datetime
    decided_at: datetime | None
    decision_reason: str | None
