"""Asking the exchange whether a grant is still active (with a short cache), and
reporting the usage of metered grants (and voiding a report whose data was not served)."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

import httpx

from services.shared.http import RemoteProblem, ServiceClient
from services.shared.problems import Forbidden, ServiceUnavailable
from services.shared.settings import AUDIENCES

log = logging.getLogger(__name__)

MAX_CACHE_SECONDS = 30.0
REPORT_ATTEMPTS = 3
REPORT_BACKOFF_SECONDS = 0.1


def _slug(problem: dict[str, Any]) -> str:
    return str(problem.get("type") or "").rsplit(":", 1)[-1].rsplit("/", 1)[-1]


def quota_exceeded(detail: str, **figures: Any) -> Forbidden:
    """403 ``quota-exceeded``: a metered grant has too little quota left for this."""
    return Forbidden(detail, slug="quota-exceeded", title="Quota exceeded", **figures)


def usage_failed(detail: str) -> ServiceUnavailable:
    """503 ``usage-report-failed``: a metered download is refused when it cannot be
    counted (counting is billing)."""
    return ServiceUnavailable(detail, slug="usage-report-failed", headers={"Retry-After": "5"})


class UsageUnanswered(ServiceUnavailable):
    """503 ``usage-report-failed`` with no clear answer from the exchange (transport
    errors, 5xx, an unreadable answer): the report may have been counted all the same,
    so it should be voided."""

    slug = "usage-report-failed"


def usage_unanswered(detail: str) -> UsageUnanswered:
    """The 503 for a usage report that may have been counted without the catalog
    learning it."""
    return UsageUnanswered(detail, headers={"Retry-After": "5"})


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
        self._remember(grant_id, body)
        return body

    def require_active(self, grant_id: str, dataset_id: str) -> dict[str, Any]:
        """The grant's status document; 403 unless it is active and covers the dataset
        (``quota-exceeded`` when a metered grant is used up)."""
        body = self.status(grant_id)
        if body.get("status") == "exhausted":
            raise quota_exceeded(f"the grant's quota of {body.get('quota')} is used up",
                                 quota=body.get("quota"), unit=body.get("unit"))
        if body.get("status") != "active":
            raise Forbidden(f"the grant is {body.get('status')}", slug="grant-inactive")
        if dataset_id not in (body.get("dataset_ids") or []):
            raise Forbidden("the grant does not cover this dataset", slug="grant-scope")
        return body

    def report_usage(self, grant_id: str, *, report_id: str, dataset_id: str, calls: int,
                     rows: int) -> dict[str, Any]:
        """Count a download against a metered grant at the exchange before it is served.

        The exchange counts a ``report_id`` once, so the report is resent (same id) after
        a transport error or a 5xx. 403 ``quota-exceeded`` when it would pass the quota,
        403 when the grant stopped being usable, 503 ``usage-report-failed`` when the
        exchange cannot be reached or answers otherwise (:class:`UsageUnanswered` when
        the report may have been counted anyway: see :meth:`void_usage`). Returns the
        grant's new status document, which replaces the cached one."""
        body = {"report_id": report_id, "dataset_id": dataset_id, "calls": calls, "rows": rows}
        try:
            answer = self._post_resending(f"/v1/grants/{grant_id}/usage", body)
        except RemoteProblem as exc:
            if exc.status < 500:
                raise self._refusal(grant_id, exc, calls=calls, rows=rows) from exc
            raise usage_unanswered(f"the exchange failed to count this download "
                                   f"({exc.status})") from exc
        except httpx.TransportError as exc:
            raise usage_unanswered("the exchange could not be reached to count this "
                                   "download") from exc
        except Exception as exc:  # anything else: fail closed
            raise usage_unanswered("the exchange could not count this download") from exc
        if not isinstance(answer, dict):
            raise usage_unanswered("the exchange answered nonsense to a usage report")
        self._remember(grant_id, answer)
        return answer

    def void_usage(self, grant_id: str, *, report_id: str, dataset_id: str,
                   reason: str) -> bool:
        """Void a usage report whose data was not served, so the buyer is not charged
        for it: the exchange takes a counted report off the grant, or refuses the report
        if it arrives later. Resent (same id) after a transport error or a 5xx, as
        reports are. Never raises: returns whether the exchange confirmed the void, and
        logs an error with the grant and report ids when it did not."""
        path = f"/v1/grants/{grant_id}/usage/{report_id}/void"
        try:
            answer = self._post_resending(path, {"dataset_id": dataset_id, "reason": reason})
        except Exception as exc:  # never raise: the caller is already failing
            if isinstance(exc, RemoteProblem):
                failure = f"{exc.status} {_slug(exc.problem)}"
            elif isinstance(exc, httpx.TransportError):
                failure = f"transport error: {exc.__class__.__name__}"
            else:
                failure = exc.__class__.__name__
            log.error("usage report %s under grant %s could not be voided (%s): the buyer "
                      "may be charged for data not served", report_id, grant_id, failure)
            return False
        if isinstance(answer, dict):
            self._remember(grant_id, answer)
        else:
            self.forget(grant_id)
        return True

    def _post_resending(self, path: str, body: dict[str, Any]) -> Any:
        """POST ``body``, sent again (the same body: the exchange answers a resent report
        or void once) after a transport error or a 5xx, with backoff; the last such error,
        or any other, is raised."""
        for attempt in range(REPORT_ATTEMPTS):
            if attempt:
                time.sleep(REPORT_BACKOFF_SECONDS * 2 ** (attempt - 1))
            try:
                return self.client.post_json(path, body)
            except RemoteProblem as exc:
                if exc.status < 500 or attempt + 1 == REPORT_ATTEMPTS:
                    raise
            except httpx.TransportError:
                if attempt + 1 == REPORT_ATTEMPTS:
                    raise
        raise AssertionError("unreachable: the last attempt returns or raises")

    def _refusal(self, grant_id: str, exc: RemoteProblem, *, calls: int,
                 rows: int) -> Exception:
        slug = _slug(exc.problem)
        if exc.status == 409 and slug == "quota-exceeded":
            problem = exc.problem
            return quota_exceeded(
                f"this download would pass the grant's quota of {problem.get('quota')} "
                f"(used {problem.get('used')})", quota=problem.get("quota"),
                used=problem.get("used"), requested_calls=calls, requested_rows=rows)
        if exc.status == 409 and slug in ("grant-revoked", "grant-expired", "grant-exhausted"):
            self.forget(grant_id)
            if slug == "grant-exhausted":
                return quota_exceeded("the grant's quota is used up")
            return Forbidden(f"the grant is {slug.removeprefix('grant-')}",
                             slug="grant-inactive")
        if exc.status == 404:
            self.forget(grant_id)
            return Forbidden("the grant is unknown", slug="grant-unknown")
        if exc.status == 422 and slug == "dataset-not-granted":
            return Forbidden("the grant does not cover this dataset", slug="grant-scope")
        return usage_failed(f"the exchange refused the usage report ({exc.status})")

    def _remember(self, grant_id: str, body: dict[str, Any]) -> None:
        ttl = min(float(body.get("max_cache_seconds", self.cache_seconds)), self.cache_seconds)
        with self._lock:
            self._cache[grant_id] = (body, time.monotonic() + max(ttl, 0.0))

    def forget(self, grant_id: str | None = None) -> None:
        """Drop the cached answer for one grant, or every cached answer."""
        with self._lock:
            if grant_id is None:
                self._cache.clear()
            else:
                self._cache.pop(grant_id, None)


EXCHANGE_AUDIENCE = AUDIENCES["exchange"]
