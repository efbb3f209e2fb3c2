"""Who a client calls as: nobody, a caller's own token, or this service's own token.

:data:`Credentials` is any callable that takes the audience of the service being
called and gives a bearer token for it (or None to call anonymously).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

Credentials = Callable[[str], "str | None"]

RENEW_BEFORE_EXPIRY_SECONDS = 60.0
SHORTEST_REUSE_SECONDS = 5.0


def anonymous(audience: str) -> str | None:
    """No token: the call is anonymous."""
    return None


class BearerToken:
    """A caller's own token, sent as it is whatever the audience (a user's token is
    valid at all three services)."""

    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, audience: str) -> str:
        """The token."""
        return self.token


class ExpiringToken(Protocol):
    """An access token and how many seconds it lives, as a token endpoint gives it."""

    @property
    def access_token(self) -> str: ...

    @property
    def expires_in(self) -> int: ...


class CachedTokens:
    """This service's own tokens, one per audience, fetched with ``fetch`` and reused
    until shortly before they expire. Thread-safe: concurrent callers wait for one fetch."""

    def __init__(self, fetch: Callable[[str], ExpiringToken]) -> None:
        self.fetch = fetch
        self._cache: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def __call__(self, audience: str) -> str:
        """A token for ``audience`` that is valid for a while yet."""
        with self._lock:
            cached = self._cache.get(audience)
            if cached is not None and cached[1] > time.monotonic():
                return cached[0]
            issued = self.fetch(audience)
            reuse = max(issued.expires_in - RENEW_BEFORE_EXPIRY_SECONDS, SHORTEST_REUSE_SECONDS)
            self._cache[audience] = (issued.access_token, time.monotonic() + reuse)
            return issued.access_token

    def forget(self) -> None:
        """Drop every cached token (the next call fetches anew)."""
        with self._lock:
            self._cache.clear()
