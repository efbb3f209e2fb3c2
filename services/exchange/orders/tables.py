"""Order tables: orders, their history of moves, contracts and signed acceptances."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.exchange.db import Base
from services.shared.orm import UTCDateTime
from services.shared.outbox import AutoId


class Order(Base):
    """A buyer's order on an offer, from request to settlement."""

    __tablename__ = "orders"
    __table_args__ = (
        Index("ix_orders_buyer_org_id_id", "buyer_org_id", "id"),
        Index("ix_orders_provider_org_id_id", "provider_org_id", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    offer_id: Mapped[str] = mapped_column(ForeignKey("offers.id"), index=True)
    asset_id: Mapped[str] = mapped_column(String(40))
    buyer_org_id: Mapped[str] = mapped_column(String(40))
    provider_org_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(Text)
    purpose_category: Mapped[str] = mapped_column(String(16))
    plan: Mapped[str] = mapped_column(String(16))
    quantity: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    term_days: Mapped[int] = mapped_column(Integer)
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    list_amount_fen: Mapped[int] = mapped_column(BigInteger)
    free_use: Mapped[bool] = mapped_column(default=False)
    fee_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    provider_net_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    refunded_fen: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    needs_regulator_approval: Mapped[bool] = mapped_column(default=False)
    regulator_approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    regulator_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    contract_sha256: Mapped[str] = mapped_column(String(64))
    rights_granted: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    # The next moment the exchange must act on its own (expire, settle), if any.
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True, index=True)


class OrderMove(Base):
    """One move of an order's state machine: what, who, when, and the ledger event."""

    __tablename__ = "order_moves"

    id: Mapped[int] = mapped_column(AutoId, primary_key=True, autoincrement=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), index=True)
    action: Mapped[str] = mapped_column(String(24))
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class Contract(Base):
    """The contract an order makes: the terms both parties accept, and its hash."""

    __tablename__ = "contracts"

    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), primary_key=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    concluded_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class ContractAcceptance(Base):
    """One party's acceptance of a contract, as signed by the exchange."""

    __tablename__ = "contract_acceptances"

    order_id: Mapped[str] = mapped_column(ForeignKey("contracts.order_id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    party_org_id: Mapped[str] = mapped_column(String(40))
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
