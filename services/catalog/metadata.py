"""The catalog service's full table metadata, for its migrations and tests.

Table modules import ``Base`` from ``db``, which imports nothing of the service; this
module imports every table module so that each registers on ``Base``: the imports run
one way, from here to the tables to the base.
"""

from __future__ import annotations

from sqlalchemy import MetaData

from services.catalog import outbox as _outbox  # noqa: F401
from services.catalog.datasets import tables as _datasets  # noqa: F401
from services.catalog.db import Base
from services.catalog.files import tables as _files  # noqa: F401
from services.catalog.search import tables as _search  # noqa: F401
from services.catalog.themes import tables as _themes  # noqa: F401


def load_metadata() -> MetaData:
    """The catalog service's full metadata, every table registered."""
    return Base.metadata
