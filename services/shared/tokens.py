"""JSON Web Tokens: the only module that talks to the JWT library.

Tokens are signed with ES256 keys from a :class:`~services.shared.keyring.KeyRing`.
Verification pins the algorithm list before the library sees the token (python-jose
would otherwise trust the header's ``alg``), looks the key up by ``kid``, and checks
signature, expiry, issuer and audience, and that every claim we rely on is present.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from jose import jwt
from jose.exceptions import ExpiredSignatureError, JOSEError, JWTClaimsError

from services.shared.keyring import SigningKey

ALLOWED_ALGORITHMS: tuple[str, ...] = ("ES256",)
REQUIRED_CLAIMS = ("iss", "sub", "aud", "exp", "iat", "jti")

KeyLookup = Callable[[str], dict[str, Any] | None]


class InvalidToken(Exception):
    """The token does not verify; the message says why (safe to show the caller)."""


def issue_token(
    key: SigningKey,
    *,
    issuer: str,
    subject: str,
    audience: str | Sequence[str],
    ttl: timedelta,
    claims: dict[str, Any] | None = None,
    now: datetime | None = None,
    token_id: str | None = None,
) -> tuple[str, datetime]:
    """Sign a token for ``subject``; returns it with its expiry time. ``token_id`` (the
    ``jti``, a new UUID by default) lets the issuer remember the token to revoke it."""
    if key.alg not in ALLOWED_ALGORITHMS:
        raise ValueError(f"tokens are signed with {ALLOWED_ALGORITHMS}, not {key.alg}")
    issued = (now or datetime.now(UTC)).replace(microsecond=0)
    expires = issued + ttl
    payload: dict[str, Any] = {
        **(claims or {}),
        "iss": issuer,
        "sub": subject,
        "aud": audience if isinstance(audience, str) else list(audience),
        "iat": int(issued.timestamp()),
        "exp": int(expires.timestamp()),
        "jti": token_id or str(uuid.uuid4()),
        "kid": key.kid,
    }
    token = jwt.encode(
        payload,
        key.private_pem().decode("ascii"),
        algorithm=key.alg,
        headers={"kid": key.kid, "typ": "JWT"},
    )
    return token, expires


def verify_token(
    token: str,
    *,
    keys: KeyLookup,
    issuer: str,
    audience: str,
    algorithms: Sequence[str] = ALLOWED_ALGORITHMS,
    leeway_seconds: int = 30,
) -> dict[str, Any]:
    """The token's claims if it verifies; :class:`InvalidToken` otherwise."""
    try:
        header = jwt.get_unverified_header(token)
    except JOSEError as exc:
        raise InvalidToken("malformed token") from exc
    alg = header.get("alg")
    if alg not in algorithms:
        raise InvalidToken(f"token algorithm {alg!r} is not accepted")
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise InvalidToken("token names no key id")
    jwk = keys(kid)
    if jwk is None:
        raise InvalidToken("token is signed by an unknown key")
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            jwk,
            algorithms=list(algorithms),
            audience=audience,
            issuer=issuer,
            options={
                "require_" + name: True for name in ("iat", "exp", "iss", "aud", "sub", "jti")
            }
            | {"leeway": leeway_seconds},
        )
    except ExpiredSignatureError as exc:
        raise InvalidToken("token has expired") from exc
    except JWTClaimsError as exc:
        raise InvalidToken(f"token claims rejected: {exc}") from exc
    except JOSEError as exc:
        raise InvalidToken("token signature does not verify") from exc
    if claims.get("kid", kid) != kid:
        raise InvalidToken("token key id does not match its header")
    _check_times(claims, leeway_seconds)
    return claims


def _check_times(claims: dict[str, Any], leeway_seconds: int) -> None:
    """Refuse a token issued in the future (beyond the clock leeway) or whose
    ``iat``/``nbf`` are not numbers or come after its expiry."""
    now = datetime.now(UTC).timestamp()
    iat, exp, nbf = claims.get("iat"), claims.get("exp"), claims.get("nbf", claims.get("iat"))
    for name, value in (("iat", iat), ("nbf", nbf), ("exp", exp)):
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidToken(f"token claim {name} is not a number")
    assert isinstance(iat, int | float) and isinstance(exp, int | float)
    assert isinstance(nbf, int | float)
    if iat > now + leeway_seconds:
        raise InvalidToken("token claims rejected: issued in the future (iat)")
    if iat >= exp or nbf >= exp:
        raise InvalidToken("token claims rejected: iat or nbf is not before exp")
