"""The theme vocabulary table (rows are maintained by migrations)."""

from __future__ import annotations

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from services.catalog.db import Base


class Theme(Base):
    """One theme of the fixed vocabulary, named in Chinese and English."""

    __tablename__ = "themes"
    # Rows come from migrations; tests that empty tables between runs keep them.
    __table_args__ = ({"info": {"reference_data": True}},)

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(64))
    name_en: Mapped[str] = mapped_column(String(64))
    position: Mapped[int] = mapped_column(Integer)
