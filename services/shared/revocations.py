"""Revoked tokens: which tokens no longer count, though their signature and expiry do.

Three kinds of entry, all in one list that every service keeps for at most ``max_age``
seconds (the exchange reads its own database, the catalog and the audit service ask the
exchange's ``GET /v1/token-revocations``):

- a user's lowest valid token version: a member's token carries its user's version
  (claim ``ver``); the exchange raises it when it disables a user or changes their role;
- single tokens by ``jti``: revoked through RFC 7009 revocation or sign-out, and the
  access tokens of a refresh-token family revoked for reuse;
- organisations by the time their tokens were cut off: every token of a suspended
  organisation (claim ``org``) issued at or before that time;
- API keys by the time they were revoked: every token the key got before.

So a revoked token stops working everywhere within ``max_age``. If the list cannot be
refreshed the last one is kept and tried again after ``max_age``; tokens expire at the
latest after their lifetime.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

VERSION_CLAIM = "ver"


@dataclass(frozen=True)
class RevocationList:
    """What no longer counts: ``users`` (user id → lowest valid token version),
    ``tokens`` (revoked ``jti`` values), ``organizations`` (org id → the Unix time at
    or before which its tokens were issued and are refused) and ``api_keys`` (client id
    → likewise)."""

    users: Mapping[str, int] = field(default_factory=dict)
    tokens: frozenset[str] = frozenset()
    organizations: Mapping[str, int] = field(default_factory=dict)
    api_keys: Mapping[str, int] = field(default_factory=dict)


RevocationSource = Callable[[], RevocationList]


class TokenRevocations:
    """The revocation list, refreshed from ``source`` at most every ``max_age`` seconds."""

    def __init__(self, source: RevocationSource, *, max_age: float) -> None:
        self.source = source
        self.max_age = max_age
        self._list = RevocationList()
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
                fetched = self.source()
            except Exception:  # any failure keeps the last list
                log.warning("token revocations could not be refreshed; keeping the last list",
                            exc_info=True)
            else:
                self._list = fetched
            self._next_refresh = time.monotonic() + self.max_age

    def forget(self) -> None:
        """Refresh before the next check (after this process revoked tokens itself)."""
        self._next_refresh = 0.0

    def revoked(self, subject: str, claims: Mapping[str, Any]) -> str | None:
        """Why a token with these claims no longer counts, or None if it still does."""
        current = self._list
        version = claims.get(VERSION_CLAIM)
        if isinstance(version, int) and version < current.users.get(subject, 0):
            return "its user was disabled or given another role since it was issued"
        issued = claims.get("iat")
        org = claims.get("org")
        cutoff = current.organizations.get(org) if isinstance(org, str) else None
        if cutoff is not None and isinstance(issued, int) and issued <= cutoff:
            return "its organisation was suspended by the operator"
        key_cutoff = current.api_keys.get(subject) if claims.get("kind") == "api_key" else None
        if key_cutoff is not None and isinstance(issued, int) and issued <= key_cutoff:
            return "its API key was revoked"
        if claims.get("jti") in current.tokens:
            return "it was revoked or its holder signed out"
        return None
