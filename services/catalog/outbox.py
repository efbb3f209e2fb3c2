"""The catalog's outbox of ledger events (see :mod:`services.shared.outbox`)."""

from __future__ import annotations

from services.catalog.db import Base
from services.shared.outbox import outbox_table

outbox = outbox_table(Base.metadata, "catalog_outbox")
