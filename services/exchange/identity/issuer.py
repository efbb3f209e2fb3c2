"""The exchange as token issuer: user, API-key and service tokens, and its JWKS."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from services.shared.auth import MFA_ENROLMENT_KIND, USER_ROLE_CLAIM
from services.shared.jwks import LocalKeySource
from services.shared.keyring import KeyRing
from services.shared.revocations import VERSION_CLAIM
from services.shared.settings import AUDIENCES
from services.shared.tokens import issue_token

USER_AUDIENCES = tuple(AUDIENCES.values())


MFA_ENROLMENT_TTL = timedelta(minutes=10)


@dataclass(frozen=True)
class IssuedToken:
    """An access token, how many seconds it lives, its ``jti`` and its expiry."""

    access_token: str
    expires_in: int
    jti: str = ""
    expires_at: datetime | None = None


class TokenIssuer:
    """Signs tokens with the exchange's active key; publishes the keys that verify them."""

    def __init__(
        self, ring: KeyRing, *, issuer: str, user_ttl: timedelta, service_ttl: timedelta
    ) -> None:
        self.ring = ring
        self.issuer = issuer
        self.user_ttl = user_ttl
        self.service_ttl = service_ttl
        # A retired key keeps verifying until every token it signed has expired.
        self.keys = LocalKeySource(ring, grace=max(user_ttl, service_ttl))

    def _issue(
        self, subject: str, audience: str | tuple[str, ...], ttl: timedelta, claims: dict[str, Any]
    ) -> IssuedToken:
        jti = str(uuid.uuid4())
        token, expires = issue_token(
            self.ring.active(),
            issuer=self.issuer,
            subject=subject,
            audience=audience,
            ttl=ttl,
            claims=claims,
            now=datetime.now(UTC),
            token_id=jti,
        )
        return IssuedToken(token, int(ttl.total_seconds()), jti, expires)

    def member_token(
        self, *, subject: str, kind: str, org_id: str, roles: list[str], name: str,
        org_name: str, user_role: str | None = None, token_version: int | None = None,
    ) -> IssuedToken:
        """A token for a user or an API key of a member organisation, valid at all
        three services; it names the organisation so that the catalog can show the
        publisher of what its members list. A user's token also carries their role in
        the organisation (every service refuses a read-only user's changes) and their
        token version (a disabled user's older tokens are refused)."""
        claims: dict[str, Any] = {"kind": kind, "org": org_id, "org_name": org_name,
                                  "roles": roles, "name": name}
        if user_role is not None:
            claims[USER_ROLE_CLAIM] = user_role
        if token_version is not None:
            claims[VERSION_CLAIM] = token_version
        return self._issue(subject, USER_AUDIENCES, self.user_ttl, claims)

    def mfa_enrolment_token(self, *, subject: str, org_id: str, name: str) -> IssuedToken:
        """A ten-minute token, valid only at the exchange, that lets a user who must
        have a second factor and has none enrol one (and nothing else)."""
        claims = {"kind": MFA_ENROLMENT_KIND, "org": org_id, "roles": [], "name": name}
        return self._issue(subject, AUDIENCES["exchange"], MFA_ENROLMENT_TTL, claims)

    def service_token(self, *, client_id: str, audience: str) -> IssuedToken:
        """A token for another dataex service, valid only at ``audience``."""
        claims = {"kind": "service", "org": None, "roles": ["service"], "name": client_id}
        return self._issue(client_id, audience, self.service_ttl, claims)

    def jwks(self) -> dict[str, Any]:
        """The JWK Set that verifies every token still in circulation."""
        return self.keys.jwks()
