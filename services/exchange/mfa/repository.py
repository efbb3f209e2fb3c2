"""SQL for the second factor: TOTP secrets and recovery codes, no rules."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from services.exchange.mfa.tables import RecoveryCode, UserTotp


def totp(session: Session, user_id: str, *, for_update: bool = False) -> UserTotp | None:
    """The user's TOTP row (pending or confirmed)."""
    stmt = select(UserTotp).where(UserTotp.user_id == user_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def replace_recovery_codes(session: Session, user_id: str, hashes: list[str],
                           now: datetime) -> None:
    """Drop the user's recovery codes and store these instead."""
    session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user_id))
    session.add_all(RecoveryCode(user_id=user_id, code_hash=h, created_at=now) for h in hashes)
    session.flush()


def unused_recovery_code(session: Session, user_id: str, code_hash: str) -> RecoveryCode | None:
    """The user's recovery code with this hash, if not used yet (locked)."""
    return session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user_id,
                                   RecoveryCode.code_hash == code_hash,
                                   RecoveryCode.used_at.is_(None)).with_for_update()
    ).first()


def recovery_codes_left(session: Session, user_id: str) -> int:
    """How many of the user's recovery codes are unused."""
    return int(session.scalar(
        select(func.count()).select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user_id, RecoveryCode.used_at.is_(None))) or 0)
