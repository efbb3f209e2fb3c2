"""Refresh tokens (one row per token, grouped in rotation families) and access tokens
revoked by ``jti``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from services.exchange.db import Base
from services.shared.orm import UTCDateTime


class RefreshToken(Base):
    """One refresh token. Using it rotates it (``used_at``) and issues the next token of
    its family; using a rotated token again revokes the whole family."""

    __tablename__ = "refresh_tokens"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    family_id: Mapped[str] = mapped_column(String(40), index=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"), index=True)
    org_id: Mapped[str] = mapped_column(String(40), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    token_version: Mapped[int] = mapped_column()
    access_jti: Mapped[str] = mapped_column(String(64))
    access_expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    family_started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    revoke_reason: Mapped[str | None] = mapped_column(String(32), nullable=True)


class RevokedToken(Base):
    """An access token refused before its expiry (RFC 7009 revocation, sign-out, a
    refresh family revoked for reuse); kept until it would have expired anyway."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    subject: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(32))
