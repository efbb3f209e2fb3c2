"""The exchange's service-only grant API: a grant's status, usage reports and voids.

The catalog reads and sends these through :class:`services.clients.ExchangeClient`.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.shared.personal import personal_information


class GrantStatus(StrEnum):
    """Whether a grant lets its holder in now."""

    ACTIVE = "active"
    REVOKED = "revoked"
    EXPIRED = "expired"
    EXHAUSTED = "exhausted"


class GrantedFile(BaseModel):
    """A file a grant reaches: pinned by the order's contract, or a reviewed update the
    offer's subscription includes."""

    dataset_id: str
    file_id: str
    sha256: str


class GrantStatusOut(BaseModel):
    """Whether a grant lets its holder in now, what it has used, and what it reaches:
    exactly ``files`` (by SHA-256), and only while each dataset's grade and open type
    are no stricter than ``grade`` and ``open_type`` (those the contract traded)."""

    grant_id: str
    order_id: str
    buyer_org_id: str
    status: GrantStatus
    dataset_ids: list[str]
    expires_at: datetime
    unit: str | None
    quota: int | None
    used_calls: int
    used_rows: int
    checked_at: datetime
    max_cache_seconds: int = Field(description="how long the catalog may rely on this answer")
    files: list[GrantedFile] = Field(default_factory=list,
                                     description="the files the grant reaches, by SHA-256")
    grade: str | None = Field(default=None, description="the strictest grade traded")
    open_type: str | None = Field(default=None, description="the strictest open type traded")


class UsageIn(BaseModel):
    """Calls and rows the catalog served under a grant."""

    model_config = ConfigDict(extra="forbid")

    report_id: str = Field(min_length=1, max_length=64,
                           description="unique per report: a resent report counts once")
    dataset_id: str = Field(min_length=1, max_length=40)
    calls: int = Field(default=1, ge=0, le=10**9)
    rows: int = Field(default=0, ge=0, le=10**12)


class UsageVoidIn(BaseModel):
    """Why a usage report is voided, and the dataset it was for."""

    model_config = ConfigDict(extra="forbid")

    dataset_id: str = Field(min_length=1, max_length=40)
    reason: str = Field(min_length=1, max_length=200,
                        description="a short reason; it goes to the ledger, so no personal "
                                    "information")

    @field_validator("reason")
    @classmethod
    def _no_personal_information(cls, value: str) -> str:
        # The reason is recorded in the ledger, which carries no personal information.
        reason = value.strip()
        if not reason:
            raise ValueError("the reason is blank")
        found = personal_information(reason, "reason")
        if found:
            raise ValueError(found)
        return reason
