"""Request and response bodies of the public-data pricing API."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.exchange.market.pricing import Plan
from services.exchange.money.schemas import Fen


class CapIn(BaseModel):
    """A cap for one theme and plan."""

    model_config = ConfigDict(extra="forbid")

    max_price_fen: Fen = Field(description="one_time: the price; subscription: per period; "
                                           "metered: the highest unit price")
    reason: str = Field(min_length=1, max_length=2000)


class CapOut(BaseModel):
    """A cap in force."""

    model_config = ConfigDict(from_attributes=True)

    theme: str
    plan: Plan
    max_price_fen: int
    reason: str
    set_at: datetime


class ApprovalIn(BaseModel):
    """A regulator's approval of a buyer's public-interest purpose."""

    model_config = ConfigDict(extra="forbid")

    org_id: str
    category: Literal["research", "public_welfare"]
    reason: str = Field(min_length=1, max_length=2000)
    days: int | None = Field(default=None, ge=1, le=3650)


class ApprovalOut(BaseModel):
    """An approval and how long it lasts."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    org_id: str
    category: str
    approved_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
