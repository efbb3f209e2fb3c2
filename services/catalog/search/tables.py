"""The search table: one row per dataset with its normalised text and the keys that
search filters and sorts on, copied from the dataset so that ranking reads this
table alone.

Each database indexes it with its own machinery:

* PostgreSQL: a pg_trgm GIN index on ``document`` (answers ``LIKE '%term%'`` for
  terms of three characters or more) and a GIN index on ``short_grams``, stored there
  as a ``text[]`` (answers ``short_grams @> ARRAY[term]`` for shorter terms, exactly,
  with no recheck of the row). Both are declared here with ``sqlite_where=0`` so that
  on SQLite they are empty partial indexes that cost nothing: declaring them keeps
  migrations and models comparable on both databases.
* SQLite: an FTS5 table ``dataset_search_fts`` with the ``trigram`` tokenizer over
  ``document`` and ``short_grams`` (stored there as space-separated text), whose
  content is this table (``content_rowid`` = ``id``) and which triggers keep in
  step. It is created by migration 0004 and is not in the metadata; a batch-mode
  rebuild of this table would have to recreate those triggers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text, TypeDecorator, text
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import TypeEngine

from services.catalog.db import Base
from services.shared.orm import UTCDateTime

# An integer key, because FTS5 addresses the rows of its content table by integer.
RowId = BigInteger().with_variant(Integer, "sqlite")

FTS_TABLE = "dataset_search_fts"


class ShortGrams(TypeDecorator[str]):
    """The short-gram string (`` a ab b ``): a ``text[]`` of its grams on PostgreSQL,
    where a GIN index looks grams up exactly, the string itself elsewhere."""

    impl = Text
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(ARRAY(Text))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value: str | None, dialect: Dialect) -> Any:
        if value is None or dialect.name != "postgresql":
            return value
        return value.split(" ")[1:-1]

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or dialect.name != "postgresql":
            return value if value is None else str(value)
        return " " + " ".join(value) + " "


class DatasetSearchDocument(Base):
    """What search reads of a dataset: its newest revision's text, its status and keys."""

    __tablename__ = "dataset_search"
    __table_args__ = (
        # Browsing without q, and the review queues: one status, newest first.
        Index("ix_dataset_search_status_updated_at", "status", "updated_at", "dataset_id"),
        Index("ix_dataset_search_publisher_org_id", "publisher_org_id", "updated_at"),
        Index(
            "ix_dataset_search_document_trgm", "document",
            postgresql_using="gin", postgresql_ops={"document": "gin_trgm_ops"},
            sqlite_where=text("0"),
        ),
        Index(
            "ix_dataset_search_short_grams", "short_grams",
            postgresql_using="gin", sqlite_where=text("0"),
        ),
    )

    id: Mapped[int] = mapped_column(RowId, primary_key=True, autoincrement=True)
    dataset_id: Mapped[str] = mapped_column(
        ForeignKey("datasets.id", ondelete="CASCADE"), unique=True
    )
    status: Mapped[str] = mapped_column(String(16))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    publisher_org_id: Mapped[str] = mapped_column(String(40))
    open_type: Mapped[str] = mapped_column(String(16))
    grade: Mapped[str] = mapped_column(String(16))
    revision: Mapped[int] = mapped_column(Integer)
    title_text: Mapped[str] = mapped_column(Text)
    keyword_text: Mapped[str] = mapped_column(Text)
    body_text: Mapped[str] = mapped_column(Text)
    document: Mapped[str] = mapped_column(Text)
    short_grams: Mapped[str] = mapped_column(ShortGrams())
