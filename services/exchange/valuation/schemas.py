"""Request and response bodies of the valuation API: one shape of ``inputs`` per method."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from services.exchange.money.schemas import Fen
from services.shared.bounds import MAX_INTEGER


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CostInputsIn(_Strict):
    """Replacement cost components, the profit rate and (optionally) the quality score;
    without one the catalog's score of the asset's datasets is used."""

    collection_fen: Fen
    storage_fen: Fen
    processing_fen: Fen
    labour_fen: Fen
    indirect_fen: Fen = 0
    profit_rate_bps: int = Field(ge=0, le=100_000)
    quality_score: int | None = Field(default=None, ge=0, le=100)


class IncomeInputsIn(_Strict):
    """Expected yearly cash flows, the discount rate and the data's share of income."""

    cash_flows_fen: list[Fen] = Field(min_length=1, max_length=50)
    discount_rate_bps: int = Field(ge=0, le=100_000)
    data_share_bps: int = Field(ge=0, le=10_000)


class MarketInputsIn(_Strict):
    """Optional overrides of the subject's quality score and size (rows)."""

    quality_score: int | None = Field(default=None, ge=0, le=100)
    rows: int | None = Field(default=None, ge=1, le=MAX_INTEGER)


class CostRequest(_Strict):
    """Value by the cost method."""

    method: Literal["cost"]
    inputs: CostInputsIn


class IncomeRequest(_Strict):
    """Value by the income method."""

    method: Literal["income"]
    inputs: IncomeInputsIn


class MarketRequest(_Strict):
    """Value by the market method (comparable settled trades on this exchange)."""

    method: Literal["market"]
    inputs: MarketInputsIn = Field(default_factory=MarketInputsIn)


ValuationRequest = Annotated[CostRequest | IncomeRequest | MarketRequest,
                             Field(discriminator="method")]


class ValuationOut(BaseModel):
    """A valuation and the report that explains it."""

    model_config = ConfigDict(from_attributes=True)

    id: str
    asset_id: str
    method: Literal["cost", "income", "market"]
    value_fen: int
    report: dict[str, Any]
    report_sha256: str
    created_at: datetime
