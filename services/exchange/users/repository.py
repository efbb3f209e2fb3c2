"""SQL for organisation users: listings, no rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.identity.tables import User


def users_of(session: Session, org_id: str) -> Sequence[User]:
    """An organisation's users by username."""
    return session.scalars(
        select(User).where(User.org_id == org_id).order_by(User.username)
    ).all()


def user_for_update(session: Session, user_id: str) -> User | None:
    """The user with ``user_id``, locked for update."""
    return session.scalars(select(User).where(User.id == user_id).with_for_update()).first()


def revoked_since(session: Session, cutoff: datetime) -> Sequence[tuple[str, int]]:
    """``(user id, token version)`` of users whose tokens were revoked after ``cutoff``."""
    rows = session.execute(
        select(User.id, User.token_version).where(User.tokens_revoked_at >= cutoff)
    ).all()
    return [(row[0], row[1]) for row in rows]
