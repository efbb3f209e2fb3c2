"""Request and response bodies of the offer API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from services.exchange.market.pricing import MeterUnit, Plan
from services.exchange.market.public_pricing import PurposeCategory
from services.exchange.market.rights import Right
from services.exchange.money.schemas import Fen
from services.shared.bounds import MAX_INTEGER


class TierIn(BaseModel):
    """A band of a metered tariff."""

    model_config = ConfigDict(extra="forbid")

    up_to: int | None = Field(default=None, ge=1, le=MAX_INTEGER,
                              description="last unit of the band; null: no limit (the last band)")
    unit_price_fen: Fen


class PolicyIn(BaseModel):
    """The usage conditions of an offer (rendered as an ODRL 2.2 policy)."""

    model_config = ConfigDict(extra="forbid")

    purposes: list[PurposeCategory | Literal["any"]] = Field(
        default_factory=lambda: list[PurposeCategory | Literal["any"]](["any"]),
        min_length=1, max_length=5)
    territory: Literal["CN", "CN-mainland", "CN-ZJ", "global"] = "CN"
    onward_transfer: bool = False
    attribution: bool = True


class OfferCreate(BaseModel):
    """A new offer over one of the caller's registered assets."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    asset_id: str
    plan: Plan
    price_fen: Fen = Field(description="one_time: the price; subscription: per period; "
                                       "metered: 0 (the tiers price it)")
    term_days: int = Field(ge=1, le=3650)
    period_days: int | None = Field(default=None, ge=1, le=MAX_INTEGER)
    unit: MeterUnit | None = None
    tiers: list[TierIn] = Field(default_factory=list, max_length=10)
    policy: PolicyIn = Field(default_factory=PolicyIn)
    rights_granted: list[Right] | None = Field(
        default=None, min_length=1, max_length=3,
        validation_alias=AliasChoices("rights_granted", "rights"),
        description="the rights a contract grants the buyer (``rights`` is the older "
                    "name). Default: derived from the asset's rights (a processing "
                    "licence when it claims holding or operation). Holding is never "
                    "granted; processing needs holding or operation; operation needs "
                    "operation")
    title: str | None = Field(default=None, min_length=2, max_length=200)
    description: str = Field(default="", max_length=4000)
    includes_updates: bool = Field(
        default=False, description="buyers' grants also reach the provider's later "
                                   "revisions of the datasets, once an operator has "
                                   "reviewed each (POST /v1/assets/{id}/updates)")


class OfferOut(BaseModel):
    """A published offer."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    asset_id: str
    provider_org_id: str
    status: Literal["active", "withdrawn", "suspended"]
    plan: Plan
    price_fen: int
    term_days: int
    period_days: int | None
    unit: MeterUnit | None
    tiers: list[dict[str, Any]]
    rights: list[str] = Field(description="the rights granted (older name of rights_granted)")
    rights_granted: list[str] = Field(description="the rights a contract grants the buyer")
    usage: dict[str, Any]
    policy: dict[str, Any] = Field(description="the ODRL 2.2 offer")
    terms_sha256: str
    includes_updates: bool = False
    title: str
    description: str
    themes: list[str]
    keywords: list[str]
    public_data: bool
    grade: str
    quality_score: int | None
    cap_theme: str | None
    cap_fen: int | None
    created_at: datetime
    withdrawn_at: datetime | None


class OfferPage(BaseModel):
    """A page of offers and the cursor of the next."""

    items: list[OfferOut]
    next_cursor: str | None
