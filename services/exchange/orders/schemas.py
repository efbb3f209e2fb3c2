"""Request and response bodies of the order API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from services.exchange.market.public_pricing import PurposeCategory
from services.exchange.market.statuses import OrderState


class OrderCreate(BaseModel):
    """A buyer's order on an offer."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    offer_id: str = Field(min_length=1, max_length=40)
    purpose: str = Field(min_length=2, max_length=1000,
                         description="what the data will be used for (goes into the contract)")
    purpose_category: PurposeCategory = Field(
        default=PurposeCategory.COMMERCIAL,
        description="research and public_welfare are public-interest purposes: with a "
                    "regulator's approval, public bodies' data is free for them")
    quantity: int | None = Field(default=None, ge=1, le=10**9,
                                 description="metered offers: units bought (calls, or "
                                             "thousands of rows)")


class Reason(BaseModel):
    """Why (recorded as a hash in the ledger)."""

    model_config = ConfigDict(extra="forbid")

    reason: str = Field(default="", max_length=2000)


class ComplianceDecision(BaseModel):
    """A regulator's decision on an order over important-grade data."""

    model_config = ConfigDict(extra="forbid")

    approve: bool
    reason: str = Field(default="", max_length=2000)


class OrderOut(BaseModel):
    """An order as its parties and regulators see it."""

    id: str
    status: OrderState
    offer_id: str
    asset_id: str
    buyer_org_id: str
    provider_org_id: str
    plan: str
    quantity: int | None
    term_days: int
    purpose: str
    purpose_category: str
    amount_fen: int
    list_amount_fen: int
    free_use: bool
    fee_fen: int | None
    provider_net_fen: int | None
    refunded_fen: int | None
    needs_regulator_approval: bool
    regulator_approved_at: datetime | None
    contract_sha256: str
    rights_granted: list[str] = Field(description="the rights the contract grants the buyer "
                                                  "(数据二十条)")
    created_at: datetime
    accepted_at: datetime | None
    paid_at: datetime | None
    delivered_at: datetime | None
    closed_at: datetime | None
    due_at: datetime | None = Field(description="when the exchange will expire or settle it")
    next_actions: list[str] = Field(description="what the caller may do next")


class MoveOut(BaseModel):
    """One move in an order's history."""

    model_config = ConfigDict(from_attributes=True)

    action: str
    from_status: str
    to_status: str
    actor: str
    event_id: str
    at: datetime


class OrderDetail(OrderOut):
    """An order with its history of moves."""

    history: list[MoveOut]


class OrderPage(BaseModel):
    """A page of orders and the cursor of the next."""

    items: list[OrderOut]
    next_cursor: str | None


class GrantOut(BaseModel):
    """A grant token for the catalog's content endpoints."""

    grant_id: str
    token: str = Field(description="send as 'Authorization: Bearer <token>' to the catalog")
    expires_at: datetime = Field(description="when this token stops working (fetch another)")
    grant_expires_at: datetime = Field(description="the end of the contract's term")
    dataset_ids: list[str]
    unit: str | None
    quota: int | None
    used_calls: int
    used_rows: int
    rights_granted: list[str] = Field(description="the rights the contract grants")


class ContractOut(BaseModel):
    """An order's contract, its hash, and the parties' signed acceptances."""

    order_id: str
    sha256: str
    concluded_at: datetime | None
    document: dict[str, Any]
    acceptances: list[dict[str, Any]]
    party_signatures: list[dict[str, Any]] = Field(
        default=[], description="the parties' own signatures, countersigned by the exchange "
                                "(dataex.party_signature receipts; verify offline)")
