"""Sign-in sessions: a short access token with a refresh token that rotates.

Every password sign-in starts a *family*. Using a refresh token marks it used and
issues the next token of the family with a new access token; using a used token
again means it was copied, so the whole family is revoked, with every access token it
issued that has not yet expired (OAuth 2.0 Security BCP, RFC 9700 §4.14.2). A family
lives at most ``session_max_seconds``; each token ``refresh_token_ttl_seconds`` unused.

RFC 7009 revocation: a refresh token revokes its family; an access token is put on the
revocation list by ``jti`` (with its family, when it came from one).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from services.exchange.config import ExchangeSettings
from services.exchange.identity import repository as identities
from services.exchange.identity.issuer import IssuedToken, TokenIssuer
from services.exchange.identity.passwords import hash_secret, new_secret
from services.exchange.identity.service import Member
from services.exchange.market.statuses import OrganizationStatus
from services.exchange.sessions import repository
from services.exchange.sessions.tables import RefreshToken
from services.exchange.unit_of_work import UnitOfWork
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import Problem
from services.shared.revocations import RevocationList


class InvalidGrant(Problem, status=400, slug="invalid-grant", title="Invalid token request"):
    """RFC 6749 §5.2 ``invalid_grant``: the refresh token is not (or no longer) good."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, error="invalid_grant")


@dataclass(frozen=True)
class SignedIn:
    """What a sign-in answers: the access token and, for users, a refresh token."""

    access: IssuedToken
    refresh_token: str | None


def _access_token(issuer: TokenIssuer, member: Member) -> IssuedToken:
    return issuer.member_token(
        subject=member.subject, kind=member.kind, org_id=member.organization.id,
        roles=member.organization.roles, name=member.name,
        org_name=member.organization.name, user_role=member.user_role,
        token_version=member.token_version)


def _new_refresh(session: Session, settings: ExchangeSettings, member: Member,
                 access: IssuedToken, *, family_id: str, started: datetime,
                 now: datetime) -> str:
    secret = new_secret()
    token_id = new_id("rtk")
    session.add(RefreshToken(
        id=token_id, family_id=family_id, user_id=member.subject,
        org_id=member.organization.id, secret_hash=hash_secret(secret),
        token_version=member.token_version or 0, access_jti=access.jti,
        access_expires_at=access.expires_at or now, family_started_at=started,
        created_at=now,
        expires_at=min(now + timedelta(seconds=settings.refresh_token_ttl_seconds),
                       started + timedelta(seconds=settings.session_max_seconds))))
    session.flush()
    return f"{token_id}.{secret}"


def sign_in(session: Session, issuer: TokenIssuer, settings: ExchangeSettings,
            member: Member) -> SignedIn:
    """An access token for ``member``; a user also gets the first refresh token of a new
    family (API keys sign in again with their secret instead, RFC 6749 §4.4.3)."""
    access = _access_token(issuer, member)
    if member.kind != "user":
        return SignedIn(access, None)
    now = utcnow()
    refresh = _new_refresh(session, settings, member, access, family_id=new_id("fam"),
                           started=now, now=now)
    return SignedIn(access, refresh)


def _parse(refresh_token: str) -> tuple[str, str]:
    token_id, _, secret = refresh_token.partition(".")
    if not token_id.startswith("rtk_") or not secret:
        raise InvalidGrant("the refresh token is malformed")
    return token_id, secret


def revoke_family(uow: UnitOfWork, row: RefreshToken, *, reason: str) -> None:
    """Revoke a refresh token's whole family and every access token it issued that has
    not yet expired."""
    now = utcnow()
    repository.revoke_family(uow.session, row.family_id, now, reason)
    for live in repository.live_tokens_of_family(uow.session, row.family_id, now):
        repository.add_revoked(uow.session, jti=live.access_jti, subject=live.user_id,
                               expires_at=live.access_expires_at, now=now, reason=reason)


def refresh(uow: UnitOfWork, issuer: TokenIssuer, settings: ExchangeSettings,
            refresh_token: str) -> SignedIn:
    """Rotate a refresh token: the next one of its family and a new access token.

    A used token presented again revokes the family (recorded in the ledger as
    ``session.refresh_reused``) and is refused; that revocation is committed although
    the request fails."""
    token_id, secret = _parse(refresh_token)
    row = repository.refresh_token(uow.session, token_id)
    if row is None or not hmac.compare_digest(row.secret_hash, hash_secret(secret)):
        raise InvalidGrant("the refresh token is not valid")
    now = utcnow()
    if row.revoked_at is not None:
        raise InvalidGrant("the refresh token was revoked; sign in again")
    if row.used_at is not None:
        revoke_family(uow, row, reason="reuse")
        uow.record(type="session.refresh_reused", actor=row.user_id, subject=row.family_id,
                   payload={"user_id": row.user_id, "org_id": row.org_id,
                            "family_id": row.family_id})
        uow.session.commit()  # the family's revocation stands although this request fails
        raise InvalidGrant("the refresh token was already used: every token of this sign-in "
                           "is revoked; sign in again")
    if row.expires_at <= now:
        raise InvalidGrant("the refresh token has expired; sign in again")
    member = _member_still_allowed(uow.session, row)
    row.used_at = now
    access = _access_token(issuer, member)
    nxt = _new_refresh(uow.session, settings, member, access, family_id=row.family_id,
                       started=row.family_started_at, now=now)
    return SignedIn(access, nxt)


def _member_still_allowed(session: Session, row: RefreshToken) -> Member:
    user = identities.user(session, row.user_id)
    org = identities.organization(session, row.org_id)
    if user is None or user.disabled or user.token_version != row.token_version:
        raise InvalidGrant("the user was disabled or given another role; sign in again")
    if org is None or org.status != OrganizationStatus.ACTIVE:
        raise InvalidGrant("the organisation is not active; tokens are not renewed")
    return Member(user.id, "user", user.username, org, user.role, user.token_version)


def revoke(uow: UnitOfWork, *, token: str, claims: dict[str, object] | None,
           reason: str) -> None:
    """RFC 7009: revoke a refresh token (its family) or an access token whose verified
    ``claims`` are given (by ``jti``, with the family it came from). Unknown tokens are
    ignored: the answer is the same either way (§2.2)."""
    if claims is None:
        token_id, _, secret = token.partition(".")
        row = repository.refresh_token(uow.session, token_id) if secret else None
        if row is not None and hmac.compare_digest(row.secret_hash, hash_secret(secret)):
            revoke_family(uow, row, reason=reason)
        return
    jti, exp = claims.get("jti"), claims.get("exp")
    if not isinstance(jti, str) or not isinstance(exp, int):
        return
    repository.add_revoked(uow.session, jti=jti, subject=str(claims.get("sub")),
                           expires_at=datetime.fromtimestamp(exp, UTC), now=utcnow(),
                           reason=reason)
    row = repository.refresh_token_by_access(uow.session, jti)
    if row is not None:
        revoke_family(uow, row, reason=reason)


def revoke_org_sessions(uow: UnitOfWork, org_id: str, *, reason: str) -> int:
    """Revoke every live refresh family of an organisation; how many tokens."""
    rows = repository.live_tokens_of_org(uow.session, org_id, utcnow())
    for row in rows:
        revoke_family(uow, row, reason=reason)
    return len(rows)


def revocation_list(session: Session, *, user_minimum: dict[str, int],
                    token_lifetime: timedelta) -> RevocationList:
    """The whole revocation list the services consult: users' minimum token versions
    (given), revoked ``jti`` values not yet expired, and organisations and API keys
    whose tokens were cut off within a token lifetime."""
    now = utcnow()
    since = now - token_lifetime - timedelta(minutes=1)
    return RevocationList(
        users=user_minimum,
        tokens=frozenset(repository.revoked_jtis(session, now)),
        organizations={org_id: int(at.timestamp())
                       for org_id, at in repository.suspended_org_cutoffs(session, since)},
        api_keys={key_id: int(at.timestamp())
                  for key_id, at in repository.revoked_api_keys(session, since)})
