"""The exchange's declarative base; every table module registers on it."""

from __future__ import annotations

from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from services.shared.orm import service_metadata


class Base(DeclarativeBase):
    """Base of every exchange table."""

    metadata = service_metadata()


def load_metadata() -> MetaData:
    """The exchange service's full metadata, with every table module imported."""
    from services.exchange import outbox as _outbox  # noqa: F401
    from services.exchange.assets import tables as _assets  # noqa: F401
    from services.exchange.demands import tables as _demands  # noqa: F401
    from services.exchange.disputes import tables as _disputes  # noqa: F401
    from services.exchange.grants import tables as _grants  # noqa: F401
    from services.exchange.idempotency import tables as _idempotency  # noqa: F401
    from services.exchange.identity import tables as _identity  # noqa: F401
    from services.exchange.money import tables as _money  # noqa: F401
    from services.exchange.offers import tables as _offers  # noqa: F401
    from services.exchange.orders import tables as _orders  # noqa: F401
    from services.exchange.public_pricing import tables as _public_pricing  # noqa: F401
    from services.exchange.valuation import tables as _valuation  # noqa: F401
    from services.exchange.vouchers import tables as _vouchers  # noqa: F401

    return Base.metadata
