"""Signed-in visitors: the session cookie, CSRF tokens, and who the visitor is.

The session cookie ``dataex_session`` holds the visitor's exchange access token and an
HMAC of it under the portal's secret (HttpOnly, SameSite=Lax, Secure when configured);
``dataex_refresh`` likewise holds the refresh token that renews it, and
``dataex_mfa_enrol`` the ten-minute token with which an operator or regulator without a
second factor enrols one.
Every form carries a CSRF token, the HMAC of the session (or, before sign-in, of a
random per-browser value in ``dataex_csrf``), and every POST is refused without it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass, field

from fastapi import Request, Response

from services.portal.config import PortalSettings

SESSION_COOKIE = "dataex_session"
REFRESH_COOKIE = "dataex_refresh"
ENROL_COOKIE = "dataex_mfa_enrol"
ENROL_SECONDS = 600
CSRF_COOKIE = "dataex_csrf"
CSRF_FIELD = "csrf_token"


@dataclass(frozen=True)
class Visitor:
    """Who is looking at the page: anonymous, or a member with its organisation and roles."""

    token: str | None = None
    username: str | None = None
    org_id: str | None = None
    org_name: str | None = None
    roles: frozenset[str] = field(default_factory=frozenset)
    user_role: str | None = None

    @property
    def is_admin(self) -> bool:
        """Whether the visitor administers their organisation's users."""
        return self.user_role == "admin"

    @property
    def read_only(self) -> bool:
        """Whether the visitor may see but not act (their pages show no action buttons)."""
        return self.user_role == "read_only"

    @property
    def is_member(self) -> bool:
        """Whether the visitor is signed in."""
        return self.token is not None

    def has(self, role: str) -> bool:
        """Whether the visitor's organisation holds ``role``."""
        return role in self.roles


ANONYMOUS = Visitor()


class SessionSeal:
    """Signs and checks the portal's cookie values and CSRF tokens with its secret."""

    def __init__(self, settings: PortalSettings) -> None:
        self._key = settings.secret_key.encode()
        self.secure = settings.cookie_secure

    def _mac(self, purpose: str, value: str) -> str:
        message = f"{purpose}:{value}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def seal(self, token: str, purpose: str = "session") -> str:
        """The cookie value for ``token`` (``purpose``: session, refresh or enrol)."""
        return f"{token}.{self._mac(purpose, token)}"

    def unseal(self, value: str | None, purpose: str = "session") -> str | None:
        """The token in a cookie, or None if it is missing or was altered."""
        if not value or "." not in value:
            return None
        token, mac = value.rsplit(".", 1)
        return token if hmac.compare_digest(mac, self._mac(purpose, token)) else None

    def csrf_token(self, request: Request) -> str:
        """The CSRF token of this browser's session (or of its pre-sign-in value)."""
        return self._mac("csrf", csrf_seed(request))

    def csrf_valid(self, request: Request, submitted: str | None) -> bool:
        """Whether a form's CSRF token belongs to this browser's session."""
        return bool(submitted) and hmac.compare_digest(str(submitted),
                                                       self.csrf_token(request))

    def start(self, response: Response, token: str, refresh_token: str | None = None) -> None:
        """Sign the browser in (with the refresh token that renews the access token)."""
        response.set_cookie(SESSION_COOKIE, self.seal(token), httponly=True, samesite="lax",
                            secure=self.secure, path="/")
        if refresh_token:
            response.set_cookie(REFRESH_COOKIE, self.seal(refresh_token, "refresh"),
                                httponly=True, samesite="lax", secure=self.secure, path="/")
        response.delete_cookie(ENROL_COOKIE, httponly=True, samesite="lax",
                               secure=self.secure, path="/")

    def start_enrolment(self, response: Response, token: str) -> None:
        """Keep the enrolment token of a user who must enrol a second factor."""
        response.set_cookie(ENROL_COOKIE, self.seal(token, "enrol"), max_age=ENROL_SECONDS,
                            httponly=True, samesite="lax", secure=self.secure, path="/")

    def end(self, response: Response) -> None:
        """Sign the browser out."""
        for name in (SESSION_COOKIE, REFRESH_COOKIE, ENROL_COOKIE):
            response.delete_cookie(name, httponly=True, samesite="lax", secure=self.secure,
                                   path="/")


def csrf_seed(request: Request) -> str:
    """What this browser's CSRF token is derived from: its session cookie, else its
    pre-sign-in value (made now, and set on the response, if it has none)."""
    session = request.cookies.get(SESSION_COOKIE)
    if session:
        return session
    seed = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf_seed", None)
    if seed is None:
        seed = secrets.token_urlsafe(24)
        request.state.new_csrf_seed = seed
    return str(seed)


def session_token(request: Request) -> str | None:
    """The access token of a validly sealed session cookie."""
    seal: SessionSeal = request.app.state.seal
    return seal.unseal(request.cookies.get(SESSION_COOKIE))


def refresh_token(request: Request) -> str | None:
    """The refresh token of a validly sealed refresh cookie."""
    seal: SessionSeal = request.app.state.seal
    return seal.unseal(request.cookies.get(REFRESH_COOKIE), "refresh")


def enrolment_token(request: Request) -> str | None:
    """The enrolment token of a validly sealed enrolment cookie."""
    seal: SessionSeal = request.app.state.seal
    return seal.unseal(request.cookies.get(ENROL_COOKIE), "enrol")


class CsrfRefused(Exception):
    """A form was posted without this session's CSRF token."""


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


async def require_csrf(request: Request) -> None:
    """Refuse any unsafe request whose form lacks this session's CSRF token (an app-wide
    dependency, so no form handler can forget it)."""
    if request.method in SAFE_METHODS:
        return
    seal: SessionSeal = request.app.state.seal
    submitted = request.headers.get("x-csrf-token")
    if submitted is None:
        form = await request.form()
        value = form.get(CSRF_FIELD)
        submitted = value if isinstance(value, str) else None
    if not seal.csrf_valid(request, submitted):
        raise CsrfRefused
