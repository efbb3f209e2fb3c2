"""The audit service's full metadata, for the migrations' env.py and the tests.

Imports every table module so each registers on :class:`~services.audit.db.Base`; the
arrows run one way (this module → tables → db).
"""

from __future__ import annotations

from sqlalchemy import MetaData

from services.audit.db import Base
from services.audit.ledger import tables as _ledger  # noqa: F401 - registers the tables


def load_metadata() -> MetaData:
    """The audit service's metadata, with every table registered."""
    return Base.metadata
