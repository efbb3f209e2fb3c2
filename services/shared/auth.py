"""Bearer-token authentication for every service.

One :class:`TokenVerifier` per app (on ``app.state.verifier``) checks tokens against
the exchange's keys; the dependencies below turn the ``Authorization`` header into a
:class:`Principal` and gate routes by role.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.concurrency import run_in_threadpool

from services.shared.problems import Forbidden, Unauthorized
from services.shared.revocations import TokenRevocations
from services.shared.tokens import InvalidToken, KeyLookup, verify_token

ROLES = ("provider", "buyer", "operator", "regulator")
SERVICE_ROLE = "service"
USER_ROLE_CLAIM = "user_role"
"""The user's role in their organisation (admin, member, read_only), in members' tokens."""
READ_ONLY = "read_only"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
MFA_ENROLMENT_KIND = "mfa_enrolment"
"""The ``kind`` of a token that lets a user who must have a second factor only enrol one."""

KeyPeek = Callable[[str], tuple[bool, dict[str, Any] | None]]
"""What a key lookup would answer without I/O: ``(True, key or None)``, or ``(False, None)``
when it cannot tell without I/O (see ``RemoteKeySource.peek``)."""


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user, an API key, or another dataex service."""

    subject: str
    kind: str
    org: str | None
    roles: frozenset[str]
    token: str = field(repr=False)
    claims: dict[str, Any] = field(repr=False, default_factory=dict)

    def has_role(self, *roles: str) -> bool:
        """Whether the principal holds any of ``roles``."""
        return bool(self.roles.intersection(roles))

    @property
    def is_service(self) -> bool:
        """Whether this is another dataex service calling with its own token."""
        return self.kind == "service"

    @property
    def user_role(self) -> str | None:
        """The user's role in their organisation, if the token names one."""
        role = self.claims.get(USER_ROLE_CLAIM)
        return role if isinstance(role, str) else None

    @property
    def read_only(self) -> bool:
        """Whether the user may see but not act (a read-only user of an organisation)."""
        return self.user_role == READ_ONLY


class TokenVerifier:
    """Verifies tokens for one audience against the issuer's keys.

    A service sends the same token with every call until it expires, and an ECDSA
    verification costs far more than the rest of a small request, so verified tokens
    are remembered (by their exact bytes) until they expire; their key must still be
    published for a remembered token to be accepted.

    With ``peek`` (the key source's answer without I/O), :meth:`remembered` recognises
    such a token without any I/O, so that an event loop need not hand it to a thread.
    """

    def __init__(
        self,
        *,
        keys: KeyLookup,
        issuer: str,
        audience: str,
        cache_size: int = 4096,
        peek: KeyPeek | None = None,
    ) -> None:
        self.keys = keys
        self.peek = peek
        self.issuer = issuer
        self.audience = audience
        self.cache_size = cache_size
        self._verified: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def _claims(self, token: str) -> dict[str, Any]:
        with self._lock:
            claims = self._verified.get(token)
            if claims is not None:
                self._verified.move_to_end(token)
        if claims is not None and claims["exp"] > time.time() and self.keys(claims["kid"]):
            return claims
        claims = verify_token(token, keys=self.keys, issuer=self.issuer, audience=self.audience)
        if isinstance(claims.get("exp"), int) and isinstance(claims.get("kid"), str):
            with self._lock:
                self._verified[token] = claims
                while len(self._verified) > self.cache_size:
                    self._verified.popitem(last=False)
        return claims

    def remembered(self, token: str) -> Principal | None:
        """The principal of a token verified before, when that is certain without I/O:
        exactly what :meth:`principal` would answer. None means "ask :meth:`principal`"
        (in a worker thread: it may verify a signature or fetch keys)."""
        if self.peek is None:
            return None
        with self._lock:
            claims = self._verified.get(token)
            if claims is not None:
                self._verified.move_to_end(token)
        if claims is None or not claims["exp"] > time.time():
            return None
        known, key = self.peek(claims["kid"])
        if not known or not key:
            return None
        return self._principal(token, claims)

    def principal(self, token: str) -> Principal:
        """The principal the token speaks for; :class:`Unauthorized` if it does not verify."""
        try:
            claims = self._claims(token)
        except InvalidToken as exc:
            raise Unauthorized(str(exc), slug="invalid-token") from exc
        return self._principal(token, claims)

    @staticmethod
    def _principal(token: str, claims: dict[str, Any]) -> Principal:
        roles = claims.get("roles", [])
        if not isinstance(roles, list) or not all(isinstance(r, str) for r in roles):
            raise Unauthorized("token roles claim is malformed", slug="invalid-token")
        return Principal(
            subject=str(claims["sub"]),
            kind=str(claims.get("kind", "user")),
            org=claims.get("org"),
            roles=frozenset(roles),
            token=token,
            claims=claims,
        )


_bearer = HTTPBearer(auto_error=False, description="A JWT issued by the exchange")

# The dependencies below are ``async`` so that FastAPI calls them on the event loop
# instead of handing each to a worker thread; only work that may block (a signature to
# verify, keys to fetch) goes to a thread.


async def _bearer_principal(
    request: Request, credentials: HTTPAuthorizationCredentials | None, *,
    read_only_may_act: bool = False,
) -> Principal | None:
    if credentials is None:
        if request.headers.get("authorization"):
            raise Unauthorized("the Authorization header must be 'Bearer <token>'")
        return None
    verifier: TokenVerifier = request.app.state.verifier
    # A token seen before is recognised on the event loop; verifying a signature or
    # fetching keys happens in a worker thread.
    principal = verifier.remembered(credentials.credentials)
    if principal is None:
        principal = await run_in_threadpool(verifier.principal, credentials.credentials)
    await _refuse_revoked(request, principal)
    request.state.principal = principal  # for logs of who acted (the exchange's decision log)
    if principal.read_only and not read_only_may_act and request.method not in SAFE_METHODS:
        raise Forbidden("a read-only user can see but not act; ask an admin of your "
                        "organisation for the member role", slug="read-only-user")
    return principal


async def _refuse_revoked(request: Request, principal: Principal) -> None:
    """401 ``token-revoked`` for a token on the revocation list: its user was disabled
    or given another role, it was revoked by ``jti``, or its organisation suspended."""
    revocations: TokenRevocations | None = getattr(request.app.state, "revocations", None)
    if revocations is None:
        return
    if revocations.stale():
        await run_in_threadpool(revocations.refresh)
    why = revocations.revoked(principal.subject, principal.claims)
    if why is not None:
        raise Unauthorized(f"this token was revoked: {why}; sign in again",
                           slug="token-revoked")


async def optional_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """The caller if a bearer token was sent (it must verify), else None.

    Access-grant tokens open data downloads and nothing else, so they are refused here.
    """
    principal = await _bearer_principal(request, credentials)
    if principal is not None:
        _refuse_limited(principal)
    return principal


def _refuse_limited(principal: Principal) -> None:
    if principal.kind == "grant":
        raise Unauthorized("an access-grant token only opens the data it grants",
                           slug="grant-token-misused")
    if principal.kind == MFA_ENROLMENT_KIND:
        raise Unauthorized("an enrolment token only enrols a second factor",
                           slug="enrolment-token-misused")


async def optional_principal_or_grant(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal | None:
    """Like :func:`optional_principal`, but also accepts access-grant tokens (for the
    routes that serve granted data)."""
    return await _bearer_principal(request, credentials)


async def current_principal(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    """The caller; 401 without a valid bearer token."""
    if principal is None:
        raise Unauthorized("this route needs a bearer token", slug="missing-token")
    return principal


async def any_member_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller, read-only users included even on a POST: for the few changes a
    read-only user makes to their own account (their password)."""
    principal = await _bearer_principal(request, credentials, read_only_may_act=True)
    if principal is None:
        raise Unauthorized("this route needs a bearer token", slug="missing-token")
    _refuse_limited(principal)
    return principal


async def enrolling_principal(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The caller of the second-factor routes: a member, or the holder of an enrolment
    token (who may do nothing else)."""
    principal = await _bearer_principal(request, credentials, read_only_may_act=True)
    if principal is None:
        raise Unauthorized("this route needs a bearer token", slug="missing-token")
    if principal.kind == "grant":
        raise Unauthorized("an access-grant token only opens the data it grants",
                           slug="grant-token-misused")
    return principal


def require_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through only principals holding one of ``roles``."""

    async def _check(principal: Annotated[Principal, Depends(current_principal)]) -> Principal:
        if not principal.has_role(*roles):
            raise Forbidden(f"this needs the role {' or '.join(roles)}", slug="role-required")
        return principal

    return _check


async def service_principal(
    principal: Annotated[Principal, Depends(current_principal)],
) -> Principal:
    """Only other dataex services (service tokens) may pass."""
    if not principal.is_service:
        raise Forbidden("only dataex services may call this", slug="service-only")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
AnyMemberPrincipal = Annotated[Principal, Depends(any_member_principal)]
EnrollingPrincipal = Annotated[Principal, Depends(enrolling_principal)]
OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]
OptionalPrincipalOrGrant = Annotated[Principal | None, Depends(optional_principal_or_grant)]
Operator = Annotated[Principal, Depends(require_roles("operator"))]
Regulator = Annotated[Principal, Depends(require_roles("regulator"))]
Provider = Annotated[Principal, Depends(require_roles("provider"))]
Buyer = Annotated[Principal, Depends(require_roles("buyer"))]
ServicePrincipal = Annotated[Principal, Depends(service_principal)]
