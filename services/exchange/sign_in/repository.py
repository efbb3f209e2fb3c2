"""SQL for the sign-in throttle, no rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from services.exchange.sign_in.tables import SignInThrottle


def throttles(session: Session, keys: Sequence[str]) -> Sequence[SignInThrottle]:
    """The rows of these keys that exist."""
    return session.scalars(select(SignInThrottle).where(SignInThrottle.key.in_(keys))).all()


def throttle_for_update(session: Session, key: str, kind: str) -> SignInThrottle:
    """The row of ``key``, locked; created (and locked) when it did not exist."""
    row = session.scalars(
        select(SignInThrottle).where(SignInThrottle.key == key).with_for_update()).first()
    if row is not None:
        return row
    try:
        with session.begin_nested():
            session.add(SignInThrottle(key=key, kind=kind, failures=0))
    except IntegrityError:  # a concurrent failure created it first
        pass
    return session.scalars(
        select(SignInThrottle).where(SignInThrottle.key == key).with_for_update()).one()


def waiting(session: Session, now: datetime, limit: int) -> Sequence[SignInThrottle]:
    """Keys locked or delayed at ``now``, locks first."""
    return session.scalars(
        select(SignInThrottle)
        .where(or_(SignInThrottle.locked_until > now, SignInThrottle.blocked_until > now))
        .order_by(SignInThrottle.locked_until.desc(), SignInThrottle.key).limit(limit)).all()
