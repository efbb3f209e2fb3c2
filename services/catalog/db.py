"""The catalog service's declarative base; every table module registers on it.

It imports nothing of the service, so table modules can import it without a circle;
``services.catalog.metadata`` gathers the tables.
"""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from services.shared.orm import service_metadata


class Base(DeclarativeBase):
    """Base of every catalog table."""

    metadata = service_metadata()
