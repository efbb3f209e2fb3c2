"""Asking the exchange whether a grant is still active, with a short cache."""

from __future__ import annotations

import threading
import time
from typing import Any

from services.shared.http import RemoteProblem, ServiceClient
from services.shared.problems import Forbidden, ServiceUnavailable
from services.shared.settings import AUDIENCES

MAX_CACHE_SECONDS = 30.0


class GrantChecker:
    """``GET /v1/grants/{id}`` at the exchange, answers kept at most 30 s (or less when
    the exchange says so), so a revoked grant stops working within a minute."""

    def __init__(self, client: ServiceClient, *, cache_seconds: float = MAX_CACHE_SECONDS
                 ) -> None:
        self.client = client
        self.cache_seconds = min(cache_seconds, MAX_CACHE_SECONDS)
        self._cache: dict[str, tuple[dict[str, Any], float]] = {}
        self._lock = threading.Lock()

    def status(self, grant_id: str) -> dict[str, Any]:
        """The exchange's status document for the grant (403 if it has none)."""
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(grant_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            body = self.client.get_json(f"/v1/grants/{grant_id}")
        except RemoteProblem as exc:
            if exc.status == 404:
                raise Forbidden("the grant is unknown", slug="grant-unknown") from exc
            raise ServiceUnavailable("the exchange could not confirm the grant",
                                     slug="grant-check-failed") from exc
        except Exception as exc:  # connection errors: fail closed
            raise ServiceUnavailable("the exchange could not confirm the grant",
                                     slug="grant-check-failed") from exc
        if not isinstance(body, dict):
            raise ServiceUnavailable("the exchange answered nonsense", slug="grant-check-failed")
        ttl = min(float(body.get("max_cache_seconds", self.cache_seconds)), self.cache_seconds)
        with self._lock:
            self._cache[grant_id] = (body, now + max(ttl, 0.0))
        return body

    def require_active(self, grant_id: str, dataset_id: str) -> None:
        """403 unless the grant is active and covers the dataset."""
        body = self.status(grant_id)
        if body.get("status") != "active":
            raise Forbidden(f"the grant is {body.get('status')}", slug="grant-inactive")
        if dataset_id not in (body.get("dataset_ids") or []):
            raise Forbidden("the grant does not cover this dataset", slug="grant-scope")

    def forget(self) -> None:
        """Drop every cached answer."""
        with self._lock:
            self._cache.clear()


EXCHANGE_AUDIENCE = AUDIENCES["exchange"]
