"""Request and response bodies of the demand API."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from services.exchange.market.public_pricing import PurposeCategory
from services.exchange.money.schemas import Fen
from services.exchange.offers.schemas import OfferOut

ThemeCode = Annotated[str, StringConstraints(pattern=r"^[a-z_]{1,32}$")]


class DemandCreate(BaseModel):
    """What a buyer is looking for."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    title: str = Field(min_length=2, max_length=200)
    description: str = Field(default="", max_length=4000)
    themes: list[ThemeCode] = Field(default_factory=list, max_length=5)
    budget_fen: Fen
    purpose_category: PurposeCategory = PurposeCategory.COMMERCIAL


class DemandOut(BaseModel):
    """A demand."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    buyer_org_id: str
    title: str
    description: str
    themes: list[str]
    budget_fen: int
    purpose_category: str
    status: Literal["open", "closed"]
    created_at: datetime
    closed_at: datetime | None


class MatchOut(BaseModel):
    """An offer ranked for a demand, with the reasons it matched."""

    score_bps: int = Field(description="0-10,000: 40% text, 20% themes, 25% budget, "
                                       "15% quality")
    reasons: list[str]
    offer: OfferOut
