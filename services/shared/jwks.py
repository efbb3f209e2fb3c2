"""Where verification keys come from: a local key ring or a remote JWKS endpoint.

Both answer ``lookup(kid) -> JWK | None``. The remote source caches the key set and
fetches it again when its cache is stale or when a token names a key it has not seen
(a rotation), but at most once per ``refetch_interval`` so that tokens with made-up
key ids cannot make it hammer the issuer.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta
from typing import Any

import httpx

from services.shared.keyring import KeyRing

log = logging.getLogger(__name__)


class LocalKeySource:
    """Keys read from this process's own key ring (the issuer verifying itself)."""

    def __init__(self, ring: KeyRing, grace: timedelta, cache_seconds: float = 5.0) -> None:
        self.ring = ring
        self.grace = grace
        self.cache_seconds = cache_seconds
        self._keys: dict[str, dict[str, Any]] = {}
        self._loaded_at = 0.0
        self._lock = threading.Lock()

    def jwks(self) -> dict[str, Any]:
        """The JWK Set currently published."""
        return self.ring.jwks(self.grace)

    def lookup(self, kid: str) -> dict[str, Any] | None:
        """The public JWK with id ``kid``, if it still verifies."""
        with self._lock:
            if time.monotonic() - self._loaded_at > self.cache_seconds or kid not in self._keys:
                self._keys = {k["kid"]: k for k in self.jwks()["keys"]}
                self._loaded_at = time.monotonic()
            return self._keys.get(kid)

    def peek(self, kid: str) -> tuple[bool, dict[str, Any] | None]:
        """What :meth:`lookup` would answer now without reading the key ring: ``(True,
        the key)`` while the cached set is fresh and holds ``kid``; ``(False, None)``
        otherwise (the caller then asks :meth:`lookup`, in a worker thread)."""
        if not self._lock.acquire(blocking=False):
            return False, None
        try:
            fresh = time.monotonic() - self._loaded_at <= self.cache_seconds
            key = self._keys.get(kid)
            return (True, key) if fresh and key is not None else (False, None)
        finally:
            self._lock.release()


class RemoteKeySource:
    """Keys fetched from the issuer's ``/.well-known/jwks.json`` and cached."""

    def __init__(
        self,
        url: str,
        *,
        cache_seconds: float = 300.0,
        refetch_interval: float = 10.0,
        client: httpx.Client | None = None,
    ) -> None:
        self.url = url
        self.cache_seconds = cache_seconds
        self.refetch_interval = refetch_interval
        self._client = client or httpx.Client(timeout=5.0)
        self._keys: dict[str, dict[str, Any]] = {}
        self._fetched_at = float("-inf")
        self._lock = threading.Lock()

    def _fetch(self) -> None:
        try:
            response = self._client.get(self.url)
            response.raise_for_status()
            keys = response.json().get("keys", [])
        except (httpx.HTTPError, ValueError) as exc:
            log.warning("could not fetch JWKS from %s: %s", self.url, exc)
            # Keep what we had, and try again after the short interval, not the long one.
            self._fetched_at = time.monotonic() - self.cache_seconds + self.refetch_interval
            return
        self._keys = {k["kid"]: k for k in keys if isinstance(k, dict) and "kid" in k}
        self._fetched_at = time.monotonic()

    def _needs_fetch(self, kid: str) -> bool:
        age = time.monotonic() - self._fetched_at
        return age > self.cache_seconds or (kid not in self._keys and age > self.refetch_interval)

    def lookup(self, kid: str) -> dict[str, Any] | None:
        """The public JWK with id ``kid``, fetching the key set when needed."""
        with self._lock:
            if self._needs_fetch(kid):
                self._fetch()
            return self._keys.get(kid)

    def peek(self, kid: str) -> tuple[bool, dict[str, Any] | None]:
        """What :meth:`lookup` would answer now without any I/O or waiting: ``(True, the
        key or None)``; ``(False, None)`` when it would fetch first or another thread is
        fetching (an event loop then calls :meth:`lookup` in a worker thread)."""
        if not self._lock.acquire(blocking=False):
            return False, None
        try:
            if self._needs_fetch(kid):
                return False, None
            return True, self._keys.get(kid)
        finally:
            self._lock.release()
