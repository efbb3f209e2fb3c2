"""The exchange's declarative base; every table module registers on it (the full set:
:mod:`services.exchange.metadata`)."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from services.shared.orm import service_metadata


class Base(DeclarativeBase):
    """Base of every exchange table."""

    metadata = service_metadata()
