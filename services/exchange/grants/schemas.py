"""Request and response bodies of the members' grant API: a grant as its parties,
operators and regulators see it, and a revocation's reason."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from services.shared.schemas.grants import GrantStatus


class GrantRecord(BaseModel):
    """An order's grant: whether it lets its holder in, and if revoked, when and why."""

    grant_id: str
    order_id: str
    buyer_org_id: str
    status: GrantStatus
    dataset_ids: list[str]
    starts_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None = Field(description="the revoker's words, or a code such as "
                                                  "'refunded'")
    max_cache_seconds: int = Field(description="a revocation reaches the catalog within "
                                               "this many seconds")


class GrantRevocation(BaseModel):
    """Why an operator or a regulator revokes a grant."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500,
                        description="shown to the buyer; the ledger keeps its SHA-256")

    @field_validator("reason")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        reason = value.strip()
        if not reason:
            raise ValueError("the reason is blank")
        return reason
