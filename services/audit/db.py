"""The audit service's declarative base; every table module registers on it.

It imports nothing of the service, so table modules import it without a circle; the
full metadata, every table module loaded, is :mod:`services.audit.metadata`.
"""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from services.shared.orm import service_metadata


class Base(DeclarativeBase):
    """Base of every audit table."""

    metadata = service_metadata()
