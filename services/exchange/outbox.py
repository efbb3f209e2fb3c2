"""The exchange's outbox of ledger events (see :mod:`services.shared.outbox`)."""

from __future__ import annotations

from services.exchange.db import Base
from services.shared.outbox import outbox_table

outbox = outbox_table(Base.metadata, "exchange_outbox")
