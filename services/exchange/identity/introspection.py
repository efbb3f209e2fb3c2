"""RFC 7662 token introspection: what the exchange knows of a token it issued.

A token is active when its signature verifies with a key the exchange still publishes,
it is within its lifetime, it names this issuer and a dataex audience, and it has not
been revoked. The answer for any other token is only ``{"active": false}``, so that a
caller learns nothing about why.
"""

from __future__ import annotations

from typing import Any

from services.exchange.identity.issuer import TokenIssuer
from services.shared.revocations import TokenRevocations
from services.shared.settings import AUDIENCES
from services.shared.tokens import InvalidToken, verify_token

INACTIVE: dict[str, Any] = {"active": False}
_PUBLISHED = ("sub", "aud", "iss", "exp", "iat", "nbf", "jti", "kind", "org", "roles")


def introspection(token: str, *, issuer: TokenIssuer, issuer_url: str,
                  revocations: TokenRevocations | None) -> dict[str, Any]:
    """The RFC 7662 answer for ``token``."""
    for audience in AUDIENCES.values():
        try:
            claims = verify_token(token, keys=issuer.keys.lookup, issuer=issuer_url,
                                  audience=audience)
        except InvalidToken:
            continue
        if revocations is not None and revocations.revoked(str(claims.get("sub")), claims):
            return dict(INACTIVE)
        answer = {name: claims[name] for name in _PUBLISHED if name in claims}
        answer.update(active=True, token_type="Bearer",  # noqa: S106 - RFC 7662 field
                      username=claims.get("name") if claims.get("kind") == "user" else None)
        if claims.get("kind") == "service":
            answer["client_id"] = claims.get("sub")
        return {k: v for k, v in answer.items() if v is not None}
    return dict(INACTIVE)
