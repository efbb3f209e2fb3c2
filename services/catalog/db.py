"""The catalog service's declarative base; every table module registers on it."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from services.shared.orm import service_metadata


class Base(DeclarativeBase):
    """Base of every catalog table."""

    metadata = service_metadata()


def load_metadata() -> MetaData:
    """The catalog service's full metadata, with every table module imported."""
    from services.catalog import outbox as _outbox  # noqa: F401
    from services.catalog.datasets import tables as _datasets  # noqa: F401
    from services.catalog.files import tables as _files  # noqa: F401
    from services.catalog.search import tables as _search  # noqa: F401
    from services.catalog.themes import tables as _themes  # noqa: F401

    return Base.metadata
