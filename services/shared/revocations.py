"""Revoked user tokens: which token versions of which users no longer count.

A member's token carries its user's token version (claim ``ver``). The exchange raises a
user's version when it disables them or changes their role; every service keeps the
exchange's list of raised versions for at most ``max_age`` seconds and refuses a token
whose version is older. So a disabled user's token stops working everywhere within
``max_age`` (the exchange reads its own database, the catalog asks the exchange). If the
list cannot be refreshed the last one is kept and tried again after ``max_age``; tokens
expire at the latest after their lifetime.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

log = logging.getLogger(__name__)

VERSION_CLAIM = "ver"

RevocationSource = Callable[[], Mapping[str, int]]
"""Answers ``{user id: lowest token version still valid}``."""


class TokenRevocations:
    """The lowest valid token version per user, refreshed from ``source`` at most every
    ``max_age`` seconds."""

    def __init__(self, source: RevocationSource, *, max_age: float) -> None:
        self.source = source
        self.max_age = max_age
        self._minimum: dict[str, int] = {}
        self._next_refresh = 0.0
        self._lock = threading.Lock()

    def stale(self) -> bool:
        """Whether the list must be refreshed (with I/O) before it is consulted."""
        return time.monotonic() >= self._next_refresh

    def refresh(self) -> None:
        """Fetch the list now; on failure keep the last one and try again after
        ``max_age``."""
        with self._lock:
            if not self.stale():
                return
            try:
                minimum = dict(self.source())
            except Exception:  # any failure keeps the last list
                log.warning("token revocations could not be refreshed; keeping the last list",
                            exc_info=True)
            else:
                self._minimum = minimum
            self._next_refresh = time.monotonic() + self.max_age

    def forget(self) -> None:
        """Refresh before the next check (after this process revoked tokens itself)."""
        self._next_refresh = 0.0

    def revoked(self, subject: str, claims: Mapping[str, Any]) -> bool:
        """Whether a token with these claims was revoked (tokens without a version,
        such as API-key, service and grant tokens, are not revoked here)."""
        version = claims.get(VERSION_CLAIM)
        if not isinstance(version, int):
            return False
        return version < self._minimum.get(subject, 0)
