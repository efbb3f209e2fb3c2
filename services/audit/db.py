"""The audit service's declarative base; every table module registers on it."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from services.shared.orm import service_metadata


class Base(DeclarativeBase):
    """Base of every audit table."""

    metadata = service_metadata()


def load_metadata() -> MetaData:
    """The audit service's full metadata, with every table module imported."""
    from services.audit.ledger import tables as _ledger  # noqa: F401

    return Base.metadata
