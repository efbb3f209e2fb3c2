"""Reading the theme vocabulary."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.catalog.themes.tables import Theme


def all_themes(session: Session) -> Sequence[Theme]:
    """Every theme, in the vocabulary's order (the order clients show them in)."""
    return session.scalars(select(Theme).order_by(Theme.position)).all()
