"""SQL for sign-in sessions: refresh tokens and revoked access tokens, no rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.exchange.identity.tables import ApiKey, Organization
from services.exchange.sessions.tables import RefreshToken, RevokedToken


def refresh_token(session: Session, token_id: str) -> RefreshToken | None:
    """The refresh token with ``token_id``, locked for update."""
    return session.scalars(
        select(RefreshToken).where(RefreshToken.id == token_id).with_for_update()
    ).first()


def refresh_token_by_access(session: Session, jti: str) -> RefreshToken | None:
    """The refresh token issued together with the access token ``jti``."""
    return session.scalars(select(RefreshToken).where(RefreshToken.access_jti == jti)).first()


def live_tokens_of_family(session: Session, family_id: str,
                          now: datetime) -> Sequence[RefreshToken]:
    """A family's tokens whose access token may still be in use."""
    return session.scalars(
        select(RefreshToken).where(RefreshToken.family_id == family_id,
                                   RefreshToken.access_expires_at > now)
    ).all()


def revoke_family(session: Session, family_id: str, now: datetime, reason: str) -> None:
    """Mark every not yet revoked token of a family revoked."""
    session.execute(update(RefreshToken)
                    .where(RefreshToken.family_id == family_id,
                           RefreshToken.revoked_at.is_(None))
                    .values(revoked_at=now, revoke_reason=reason))


def live_tokens_of_org(session: Session, org_id: str, now: datetime) -> Sequence[RefreshToken]:
    """An organisation's refresh tokens not revoked and not expired."""
    return session.scalars(
        select(RefreshToken).where(RefreshToken.org_id == org_id,
                                   RefreshToken.revoked_at.is_(None),
                                   RefreshToken.expires_at > now)
    ).all()


def add_revoked(session: Session, *, jti: str, subject: str, expires_at: datetime,
                now: datetime, reason: str) -> None:
    """Remember an access token as revoked (once)."""
    if session.get(RevokedToken, jti) is None:
        session.add(RevokedToken(jti=jti, subject=subject, expires_at=expires_at,
                                 revoked_at=now, reason=reason))
        session.flush()


def revoked_jtis(session: Session, now: datetime) -> list[str]:
    """The ``jti`` of every revoked access token not yet expired."""
    return list(session.scalars(
        select(RevokedToken.jti).where(RevokedToken.expires_at > now)).all())


def suspended_org_cutoffs(session: Session, since: datetime) -> list[tuple[str, datetime]]:
    """``(org id, tokens revoked at)`` of organisations whose tokens were cut off after
    ``since``."""
    rows = session.execute(
        select(Organization.id, Organization.tokens_revoked_at)
        .where(Organization.tokens_revoked_at >= since)
    ).all()
    return [(row[0], row[1]) for row in rows if row[1] is not None]


def revoked_api_keys(session: Session, since: datetime) -> list[tuple[str, datetime]]:
    """``(client id, revoked at)`` of API keys revoked after ``since``."""
    rows = session.execute(
        select(ApiKey.id, ApiKey.revoked_at).where(ApiKey.revoked_at >= since)).all()
    return [(row[0], row[1]) for row in rows if row[1] is not None]
