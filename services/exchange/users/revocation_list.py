"""The exchange's whole token revocation list, read from its database (its own
TokenRevocations and ``GET /v1/token-revocations`` both answer it)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from services.exchange.config import ExchangeSettings
from services.exchange.sessions import service as sessions
from services.exchange.users import service as users
from services.shared.revocations import RevocationList


def revocation_list(session: Session, settings: ExchangeSettings) -> RevocationList:
    """Disabled users' minimum token versions, revoked ``jti`` values and suspended
    organisations, within a token lifetime."""
    lifetime = timedelta(seconds=max(settings.user_token_ttl_seconds,
                                     settings.grant_token_ttl_seconds))
    return sessions.revocation_list(
        session, user_minimum=users.token_revocations(session, token_lifetime=lifetime),
        token_lifetime=lifetime)
