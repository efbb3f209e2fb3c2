"""Trade vouchers issued at settlement."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from services.exchange.db import Base
from services.shared.orm import UTCDateTime


class TradeVoucher(Base):
    """The signed voucher of a settled order; it names the settlement's ledger entry."""

    __tablename__ = "trade_vouchers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    order_id: Mapped[str] = mapped_column(ForeignKey("orders.id"), unique=True)
    settlement_event_id: Mapped[str] = mapped_column(String(64))
    ledger_seq: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime())
