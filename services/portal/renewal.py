"""Renewing a signed-in visitor's short access token with their refresh token.

Before a page is handled, a session whose access token expires within a minute (or has
expired) is renewed with the refresh token at the exchange; the page then sees the new
token and the response carries both new cookies. Refresh tokens rotate and a reused
one revokes the whole sign-in, so concurrent requests of one browser must not renew
twice: a renewal is remembered for a short while, under a lock, by the refresh token
it used.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
import time
from collections import OrderedDict

from fastapi import Request, Response

from services.clients import ApiProblem, ServiceUnreachable
from services.portal.backends import Backends
from services.portal.session import (
    REFRESH_COOKIE,
    SESSION_COOKIE,
    SessionSeal,
    refresh_token,
    session_token,
)
from services.shared.schemas.tokens import TokenResponse

RENEW_BEFORE_SECONDS = 60
REMEMBER_SECONDS = 30
REMEMBERED = 1024


def token_expiry(token: str) -> int | None:
    """The ``exp`` of a JWT, read without verifying it (only to know when to renew; the
    services verify every token)."""
    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError):
        return None
    exp = claims.get("exp") if isinstance(claims, dict) else None
    return exp if isinstance(exp, int) else None


class Renewals:
    """Renews sessions at the exchange, at most once per refresh token."""

    def __init__(self, backends: Backends) -> None:
        self.backends = backends
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, tuple[float, TokenResponse | None]] = OrderedDict()

    def renewed(self, request: Request) -> TokenResponse | None:
        """New tokens for the visitor's session if it is due for renewal, else None."""
        refresh, access = refresh_token(request), session_token(request)
        if refresh is None or access is None:  # no session, or an altered cookie
            return None
        expiry = token_expiry(access)
        if expiry is None or expiry - time.time() > RENEW_BEFORE_SECONDS:
            return None
        key = hashlib.sha256(refresh.encode()).hexdigest()
        with self._lock:
            remembered = self._recent.get(key)
            if remembered is not None and time.monotonic() - remembered[0] < REMEMBER_SECONDS:
                return remembered[1]
            try:
                fresh: TokenResponse | None = (
                    self.backends.for_caller(None).exchange.refresh_token(refresh))
            except (ApiProblem, ServiceUnreachable):
                fresh = None
            self._recent[key] = (time.monotonic(), fresh)
            while len(self._recent) > REMEMBERED:
                self._recent.popitem(last=False)
            return fresh


def use_renewed(request: Request, seal: SessionSeal, fresh: TokenResponse) -> None:
    """Make the rest of this request see the renewed session cookies."""
    cookies = dict(request.cookies)
    cookies[SESSION_COOKIE] = seal.seal(fresh.access_token)
    if fresh.refresh_token:
        cookies[REFRESH_COOKIE] = seal.seal(fresh.refresh_token, "refresh")
    header = "; ".join(f"{name}={value}" for name, value in cookies.items()).encode("latin-1")
    request.scope["headers"] = [(k, v) for k, v in request.scope["headers"]
                                if k != b"cookie"] + [(b"cookie", header)]


def keep_renewed(response: Response, seal: SessionSeal, fresh: TokenResponse) -> None:
    """Set the renewed session cookies on the response."""
    seal.start(response, fresh.access_token, fresh.refresh_token)
