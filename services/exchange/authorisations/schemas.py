"""Request and response bodies of the authorisation API (公共数据授权运营)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.exchange.market.authorised_operation import MAX_TERM_DAYS


class AuthorisationCreate(BaseModel):
    """A regulator's authorisation of an operator organisation over a not-open asset."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    asset_id: str = Field(min_length=1, max_length=40)
    operator_org_id: str = Field(min_length=1, max_length=40,
                                 description="the organisation authorised to operate it")
    scenario: str = Field(min_length=4, max_length=2000,
                          description="the stated scenario (应用场景) the data is used for")
    term_days: int = Field(ge=1, le=MAX_TERM_DAYS, description="how long it lasts")


class AuthorisationRevoke(BaseModel):
    """Why an authorisation is revoked."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=2, max_length=2000)


class AuthorisationOut(BaseModel):
    """An authorisation as regulators, operators and the organisations named see it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    asset_id: str
    operator_org_id: str
    scenario: str
    status: Literal["active", "revoked"]
    in_force: bool = Field(description="active and within its term now")
    starts_at: datetime
    expires_at: datetime
    granted_by: str
    revoked_at: datetime | None
    revoke_reason: str | None
