"""The search table: one normalised document per dataset, and its indexes.

Each database indexes it with its own trigram index:

* PostgreSQL: two GIN ``gin_trgm_ops`` indexes (pg_trgm), on ``document`` and on
  ``short_grams``, which answer ``LIKE '%term%'``. They are declared here, with
  ``sqlite_where=0`` so that on SQLite they become empty partial indexes that cost
  nothing: declaring them keeps migrations and models comparable on both databases.
* SQLite: an FTS5 table ``dataset_search_fts`` with the ``trigram`` tokenizer, whose
  content is this table (``content_rowid`` = ``id``) and which triggers keep in step.
  It is created by migration 0004 and is not in the metadata; a batch-mode rebuild
  of this table would have to recreate those triggers.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from services.catalog.db import Base

# An integer key, because FTS5 addresses the rows of its content table by integer.
RowId = BigInteger().with_variant(Integer, "sqlite")

FTS_TABLE = "dataset_search_fts"


class DatasetSearchDocument(Base):
    """The searchable text of a dataset's newest revision (see ``search.text``)."""

    __tablename__ = "dataset_search"
    __table_args__ = (
        Index(
            "ix_dataset_search_document_trgm", "document",
            postgresql_using="gin", postgresql_ops={"document": "gin_trgm_ops"},
            sqlite_where=text("0"),
        ),
        Index(
            "ix_dataset_search_short_grams_trgm", "short_grams",
            postgresql_using="gin", postgresql_ops={"short_grams": "gin_trgm_ops"},
            sqlite_where=text("0"),
        ),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), unique=True
    )
    title_text: Mapped[str] = mapped_column(Text)
    keyword_text: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    document: Mapped[str] = mapped_column(Text)
    short_grams: Mapped[str] = mapped_column(Text)

