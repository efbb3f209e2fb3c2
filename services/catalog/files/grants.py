"""Asking the exchange whether a grant is still active (with a short cache), and
reporting the usage of metered grants (and voiding a report whose data was not served),
through :class:`services.clients.ExchangeClient`."""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from services.clients import ApiProblem, ExchangeClient
from services.shared.problems import Forbidden, ServiceUnavailable
from services.shared.schemas.grants import GrantStatus, GrantStatusOut, UsageIn, UsageVoidIn

log = logging.getLogger(__name__)

MAX_CACHE_SECONDS = 30.0

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
    """The catalog's policy over the exchange's grant API: answers to ``GET
    /v1/grants/{id}`` kept at most 30 s (or less when the exchange says so), so a revoked
    grant stops working within a minute; the exchange's answers turned into the
    catalog's own refusals; downloads that cannot be counted refused."""

    def __init__(self, exchange: ExchangeClient, *,
                 cache_seconds: float = MAX_CACHE_SECONDS) -> None:
        self.exchange = exchange
        self.cache_seconds = min(cache_seconds, MAX_CACHE_SECONDS)
        self._cache: dict[str, tuple[GrantStatusOut, float]] = {}
        self._lock = threading.Lock()

    def status(self, grant_id: str) -> GrantStatusOut:
        """The exchange's status document for the grant (403 if it has none)."""
        now = time.monotonic()
        with self._lock:
            cached = self._cache.get(grant_id)
        if cached is not None and cached[1] > now:
            return cached[0]
        try:
            answer = self.exchange.grant_status(grant_id)
        except ApiProblem as exc:  # fail closed
            if exc.answered and exc.status == 404:
                raise Forbidden("the grant is unknown", slug="grant-unknown") from exc
            raise ServiceUnavailable("the exchange could not confirm the grant",
                                     slug="grant-check-failed") from exc
        self._remember(grant_id, answer)
        return answer

    def require_active(self, grant_id: str, dataset_id: str) -> GrantStatusOut:
        """The grant's status document; 403 unless it is active and covers the dataset
        (``quota-exceeded`` when a metered grant is used up)."""
        answer = self.status(grant_id)
        if answer.status is GrantStatus.EXHAUSTED:
            raise quota_exceeded(f"the grant's quota of {answer.quota} is used up",
                                 quota=answer.quota, unit=answer.unit)
        if answer.status is not GrantStatus.ACTIVE:
            raise Forbidden(f"the grant is {answer.status}", slug="grant-inactive")
        if dataset_id not in answer.dataset_ids:
            raise Forbidden("the grant does not cover this dataset", slug="grant-scope")
        return answer

    def report_usage(self, grant_id: str, *, report_id: str, dataset_id: str, calls: int,
                     rows: int) -> GrantStatusOut:
        """Count a download against a metered grant at the exchange before it is served
        (resent, same id, when unanswered: the exchange counts a ``report_id`` once).

        403 ``quota-exceeded`` when it would pass the quota, 403 when the grant stopped
        being usable, 503 ``usage-report-failed`` when the exchange cannot be reached or
        answers otherwise (:class:`UsageUnanswered` when the report may have been
        counted anyway: see :meth:`void_usage`). Returns the grant's new status
        document, which replaces the cached one."""
        usage = UsageIn(report_id=report_id, dataset_id=dataset_id, calls=calls, rows=rows)
        try:
            answer = self.exchange.report_usage(grant_id, usage)
        except ApiProblem as exc:
            if not exc.answered:
                raise usage_unanswered("the exchange could not be reached to count this "
                                       "download") from exc
            if exc.status < 500:
                raise self._refusal(grant_id, exc, calls=calls, rows=rows) from exc
            raise usage_unanswered(f"the exchange failed to count this download "
                                   f"({exc.status})") from exc
        self._remember(grant_id, answer)
        return answer

    def void_usage(self, grant_id: str, *, report_id: str, dataset_id: str,
                   reason: str) -> bool:
        """Void a usage report whose data was not served, so the buyer is not charged
        for it: the exchange takes a counted report off the grant, or refuses the report
        if it arrives later. Resent (same id) when unanswered, as reports are. Never
        raises: returns whether the exchange confirmed the void, and logs an error with
        the grant and report ids when it did not."""
        try:
            answer = self.exchange.void_usage(
                grant_id, report_id, UsageVoidIn(dataset_id=dataset_id, reason=reason))
        except Exception as exc:  # never raise: the caller is already failing
            if isinstance(exc, ApiProblem):
                failure = f"{exc.status} {exc.slug}" if exc.answered else exc.detail
            else:
                failure = exc.__class__.__name__
            log.error("usage report %s under grant %s could not be voided (%s): the buyer "
                      "may be charged for data not served", report_id, grant_id, failure)
            return False
        self._remember(grant_id, answer)
        return True

    def _refusal(self, grant_id: str, exc: ApiProblem, *, calls: int,
                 rows: int) -> Exception:
        slug = exc.slug
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

    def _remember(self, grant_id: str, answer: GrantStatusOut) -> None:
        ttl = min(float(answer.max_cache_seconds), self.cache_seconds)
        with self._lock:
            self._cache[grant_id] = (answer, time.monotonic() + max(ttl, 0.0))

    def forget(self, grant_id: str | None = None) -> None:
        """Drop the cached answer for one grant, or every cached answer."""
        with self._lock:
            if grant_id is None:
                self._cache.clear()
            else:
                self._cache.pop(grant_id, None)
