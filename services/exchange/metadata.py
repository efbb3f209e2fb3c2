"""The exchange's full metadata: every table module, imported here and nowhere else
for registration (tables import ``Base`` from :mod:`services.exchange.db`; this module
imports them, so the arrows run one way). The migrations' ``env.py`` and the tests'
databases read it."""

from __future__ import annotations

from sqlalchemy import MetaData

from services.exchange import outbox as _outbox  # noqa: F401
from services.exchange.assets import tables as _assets  # noqa: F401
from services.exchange.authorisations import tables as _authorisations  # noqa: F401
from services.exchange.db import Base
from services.exchange.demands import tables as _demands  # noqa: F401
from services.exchange.disputes import tables as _disputes  # noqa: F401
from services.exchange.fees import tables as _fees  # noqa: F401
from services.exchange.grants import tables as _grants  # noqa: F401
from services.exchange.idempotency import tables as _idempotency  # noqa: F401
from services.exchange.identity import tables as _identity  # noqa: F401
from services.exchange.mfa import tables as _mfa  # noqa: F401
from services.exchange.money import tables as _money  # noqa: F401
from services.exchange.notifications import tables as _notifications  # noqa: F401
from services.exchange.offers import tables as _offers  # noqa: F401
from services.exchange.orders import tables as _orders  # noqa: F401
from services.exchange.payouts import tables as _payouts  # noqa: F401
from services.exchange.public_pricing import tables as _public_pricing  # noqa: F401
from services.exchange.security_events import tables as _security_events  # noqa: F401
from services.exchange.sessions import tables as _sessions  # noqa: F401
from services.exchange.sign_in import tables as _sign_in  # noqa: F401
from services.exchange.signatures import tables as _signatures  # noqa: F401
from services.exchange.valuation import tables as _valuation  # noqa: F401
from services.exchange.vouchers import tables as _vouchers  # noqa: F401


def load_metadata() -> MetaData:
    """The exchange service's full metadata, every table registered."""
    return Base.metadata
