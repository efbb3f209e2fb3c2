"""The exchange's standard OAuth 2.0 surface, apart from the routes themselves.

- RFC 8414 authorization-server metadata (also served as the OpenID configuration);
- client authentication by HTTP Basic (``client_secret_basic``, RFC 6749 §2.3.1) or by
  form fields (``client_secret_post``), never both;
- RFC 6749 §5.2 errors: ``error`` and ``error_description`` in the body, 400 for all but
  ``invalid_client`` (401, with ``WWW-Authenticate: Basic`` when the client tried Basic).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote_plus

from services.shared.problems import Problem

TOKEN_PATH = "/v1/auth/token"  # noqa: S105 - a path, not a secret
REVOCATION_PATH = "/v1/auth/revoke"
INTROSPECTION_PATH = "/v1/auth/introspect"
JWKS_PATH = "/.well-known/jwks.json"
DOCUMENT_KEYS_PATH = "/v1/signing-keys"
GRANT_TYPES = ("password", "refresh_token", "client_credentials")
CLIENT_AUTH_METHODS = ("client_secret_basic", "client_secret_post")
BASIC_CHALLENGE = 'Basic realm="dataex", charset="UTF-8"'


class OAuthError(Problem, status=400, slug="invalid-request", title="Invalid token request"):
    """An RFC 6749 §5.2 error: ``error`` is the standard code, ``error_description`` the
    detail; ``invalid_client`` is a 401."""

    def __init__(self, error: str, description: str, *, slug: str | None = None,
                 basic: bool = False, **extensions: Any) -> None:
        headers = {"Cache-Control": "no-store"}
        if error == "invalid_client" and basic:
            headers["WWW-Authenticate"] = BASIC_CHALLENGE
        super().__init__(description, slug=slug or error.replace("_", "-"), headers=headers,
                         **extensions, error=error, error_description=description)
        self.status = 401 if error == "invalid_client" else 400


def as_oauth_error(problem: Problem, *, basic: bool) -> Problem:
    """A credentials problem from the identity service as the token endpoint answers
    it: its ``error`` code with the RFC 6749 status (wrong passwords, and a missing or
    wrong second factor, are ``invalid_grant``, 400), its other fields kept (the
    enrolment token of ``mfa-enrolment-required``). Problems without a code (a throttled
    sign-in, say) pass unchanged."""
    error = problem.extensions.get("error")
    if not isinstance(error, str) or isinstance(problem, OAuthError):
        return problem
    kept = {k: v for k, v in problem.extensions.items()
            if k not in ("error", "error_description")}
    return OAuthError(error, problem.detail, slug=problem.slug, basic=basic, **kept)


@dataclass(frozen=True)
class ClientCredentials:
    """A client id and secret, and whether they came by HTTP Basic."""

    client_id: str
    client_secret: str
    basic: bool


def client_credentials(authorization: str | None, form_id: str | None,
                       form_secret: str | None) -> ClientCredentials | None:
    """The client's credentials from an ``Authorization: Basic`` header (RFC 6749
    §2.3.1: id and secret form-urlencoded, then base64) or from the form; None when
    neither is given. Both at once, or a malformed header, is ``invalid_request``."""
    basic = authorization is not None and authorization[:6].lower() == "basic "
    if not basic:
        if form_id and form_secret:
            return ClientCredentials(form_id, form_secret, basic=False)
        return None
    if form_secret:
        raise OAuthError("invalid_request", "send the client credentials either by HTTP "
                         "Basic or in the form, not both")
    assert authorization is not None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise OAuthError("invalid_client", "the Basic credentials are not base64 of "
                         "'client_id:client_secret'", basic=True) from None
    client_id, colon, secret = decoded.partition(":")
    if not colon or not client_id or not secret:
        raise OAuthError("invalid_client", "the Basic credentials must be "
                         "'client_id:client_secret'", basic=True)
    client_id, secret = unquote_plus(client_id), unquote_plus(secret)
    if form_id and form_id != client_id:
        raise OAuthError("invalid_request", "client_id in the form differs from the "
                         "Basic credentials")
    return ClientCredentials(client_id, secret, basic=True)


def server_metadata(issuer: str) -> dict[str, Any]:
    """The RFC 8414 authorization-server metadata of the exchange at ``issuer``."""
    base = issuer.rstrip("/")
    return {
        "issuer": issuer,
        "token_endpoint": base + TOKEN_PATH,
        "jwks_uri": base + JWKS_PATH,
        "revocation_endpoint": base + REVOCATION_PATH,
        "introspection_endpoint": base + INTROSPECTION_PATH,
        "grant_types_supported": list(GRANT_TYPES),
        "response_types_supported": [],
        "token_endpoint_auth_methods_supported": list(CLIENT_AUTH_METHODS),
        "revocation_endpoint_auth_methods_supported": list(CLIENT_AUTH_METHODS),
        "introspection_endpoint_auth_methods_supported": list(CLIENT_AUTH_METHODS),
        "service_documentation": base + "/docs",
        # Not RFC 8414: where the keys that sign certificates and vouchers are.
        "dataex_document_keys_uri": base + DOCUMENT_KEYS_PATH,
    }
