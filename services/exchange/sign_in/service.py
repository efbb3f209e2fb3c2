"""Failed-sign-in handling at the token endpoint, and the operator's unlock.

:class:`SignInGuard` is asked before credentials are checked (429 with
``Retry-After`` while the account or the source address must wait or is locked) and
told of each failure (counted in a transaction of its own, since the request's rolls
back) and each success. Failures, locks and unlocks go to the security-event log;
an operator's unlock also to the ledger.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy.orm import Session
from starlette.requests import Request

from services.exchange.config import ExchangeSettings
from services.exchange.identity import repository as identities
from services.exchange.security_events.service import record_security_event
from services.exchange.sign_in import repository
from services.exchange.sign_in.model import (
    KeyKind,
    SignInThrottled,
    ThrottlePolicy,
    ThrottleState,
    after_failure,
    cleared,
    throttle_key,
    wait_before_attempt,
)
from services.exchange.sign_in.tables import SignInThrottle
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import text_sha256
from services.shared.database import Database
from services.shared.orm import utcnow
from services.shared.problems import InvalidInput, NotFound, Unauthorized

T = TypeVar("T")


def _state(row: SignInThrottle) -> ThrottleState:
    return ThrottleState(row.failures, row.last_failure_at, row.blocked_until,
                         row.locked_until)


def _store(row: SignInThrottle, state: ThrottleState) -> None:
    row.failures = state.failures
    row.last_failure_at = state.last_failure_at
    row.blocked_until = state.blocked_until
    row.locked_until = state.locked_until


@dataclass(frozen=True)
class SignInAttempt:
    """Who is trying to sign in, from where. ``account`` is the username or client id;
    ``counted`` is False for the platform's own service clients, which are throttled
    by source only (a guesser must not be able to lock the services out)."""

    account: str
    source: str
    counted: bool = True

    def keys(self) -> dict[str, KeyKind]:
        """The throttle keys this attempt is counted under."""
        keys = {throttle_key(KeyKind.SOURCE, self.source): KeyKind.SOURCE}
        if self.counted:
            keys[throttle_key(KeyKind.ACCOUNT, self.account)] = KeyKind.ACCOUNT
        return keys


@dataclass(frozen=True)
class SignInGuard:
    """The throttle of one exchange: its database and the two policies."""

    db: Database
    account_policy: ThrottlePolicy
    source_policy: ThrottlePolicy
    trusted_proxies: frozenset[str] = frozenset()

    def _policy(self, kind: KeyKind) -> ThrottlePolicy:
        return self.account_policy if kind is KeyKind.ACCOUNT else self.source_policy

    def check(self, session: Session, attempt: SignInAttempt) -> None:
        """429 ``sign-in-throttled`` with ``Retry-After`` while any key must wait."""
        now = utcnow()
        waits = [(KeyKind(row.kind), wait) for row in repository.throttles(
            session, list(attempt.keys())) if (wait := wait_before_attempt(_state(row), now))]
        if not waits:
            return
        kind, wait = max(waits, key=lambda w: w[1].seconds)
        what = "this account" if kind is KeyKind.ACCOUNT else "this address"
        detail = (f"{what} is locked after too many failed sign-ins; try again in "
                  f"{wait.seconds} s or ask the operator to unlock it") if wait.locked else (
                  f"too many failed sign-ins from {what}; wait {wait.seconds} s")
        raise SignInThrottled(detail, headers={"Retry-After": str(wait.seconds)},
                              locked=wait.locked, retry_after=wait.seconds)

    def failed(self, attempt: SignInAttempt, *, reason: str, user_id: str | None,
               org_id: str | None) -> None:
        """Count a failure under every key of the attempt, in its own transaction, and
        record it (and any lock it causes)."""
        now = utcnow()
        with self.db.transaction() as session:
            locked: list[str] = []
            for key, kind in sorted(attempt.keys().items()):
                row = repository.throttle_for_update(session, key, kind.value)
                state, just_locked = after_failure(self._policy(kind), _state(row), now)
                _store(row, state)
                row.label = user_id if kind is KeyKind.ACCOUNT else attempt.source
                if just_locked:
                    locked.append(kind.value)
            details = {"reason": reason, "account_sha256": text_sha256(attempt.account)}
            for type, outcome, extra in [("sign_in.failed", "failure", {})] + [
                    ("sign_in.locked", "refused", {"key": k}) for k in locked]:
                record_security_event(session, type, outcome=outcome, actor=user_id or
                                      "anonymous", org_id=org_id, subject=user_id,
                                      source=attempt.source, details=details | extra,
                                      occurred_at=now)

    def sign_in(self, attempt: SignInAttempt, authenticate: Callable[[Session], T], *,
                owner: Callable[[Session], tuple[str, str] | None],
                on_success: Callable[[Session, T], None]) -> T:
        """In a transaction of its own: check the throttle, ``authenticate``, then
        ``on_success``. A 401 is counted (after that transaction rolled back, so that
        SQLite's single writer is free) as a failure of ``owner`` (the user or key id
        and organisation, when the account exists) before it propagates."""
        who: tuple[str, str] | None = None
        try:
            with self.db.transaction() as session:
                self.check(session, attempt)
                try:
                    result = authenticate(session)
                except Unauthorized:
                    who = owner(session)
                    raise
                on_success(session, result)
                return result
        except Unauthorized as refused:
            user_id, org_id = who or (None, None)
            self.failed(attempt, reason=refused.slug, user_id=user_id, org_id=org_id)
            raise

    def succeeded(self, session: Session, attempt: SignInAttempt, *, subject: str,
                  kind: str, org_id: str) -> None:
        """Clear the account's failures and record the sign-in, in ``session``."""
        if attempt.counted:
            key = throttle_key(KeyKind.ACCOUNT, attempt.account)
            for row in repository.throttles(session, [key]):
                _store(row, cleared())
        record_security_event(session, "sign_in.succeeded", actor=subject, org_id=org_id,
                              subject=subject, source=attempt.source,
                              details={"kind": kind})


def waiting(session: Session, *, limit: int = 200) -> list[SignInThrottle]:
    """Accounts and sources locked or delayed now (operators)."""
    return list(repository.waiting(session, utcnow(), limit))


def unlock(uow: UnitOfWork, *, username: str | None, source: str | None,
           actor: Principal) -> SignInThrottle:
    """An operator clears the failures of an account (by username) or a source
    address at once; recorded in the security-event log and the ledger."""
    if (username is None) == (source is None):
        raise InvalidInput("give either username or source", slug="unlock-target")
    if username is not None:
        key = throttle_key(KeyKind.ACCOUNT, username)
    else:
        key = throttle_key(KeyKind.SOURCE, source or "")
    rows = repository.throttles(uow.session, [key])
    if not rows:
        raise NotFound("no failed sign-ins are counted for this "
                       + ("account" if username is not None else "address"))
    row = rows[0]
    was_locked = wait_before_attempt(_state(row), utcnow()) is not None
    _store(row, cleared())
    user = identities.user_by_username(uow.session, username) if username else None
    record_security_event(uow.session, "sign_in.unlocked", actor=actor.subject,
                          org_id=user.org_id if user else None,
                          subject=user.id if user else row.label,
                          details={"key": row.kind, "was_locked": was_locked})
    uow.record(type="sign_in.unlocked", actor=actor.subject, subject=row.key,
               payload={"kind": row.kind, "key_sha256": text_sha256(row.key),
                        "user_id": user.id if user else None})
    return row


def guard_from_settings(db: Database, settings: ExchangeSettings) -> SignInGuard:
    """The exchange's guard, with the policies its settings state."""
    def policy(free: int, lock_after: int) -> ThrottlePolicy:
        return ThrottlePolicy(
            free_failures=free, lock_after=lock_after,
            base_delay_seconds=settings.sign_in_base_delay_seconds,
            max_delay_seconds=settings.sign_in_max_delay_seconds,
            lock_seconds=settings.sign_in_lock_seconds,
            window_seconds=settings.sign_in_failure_window_seconds)

    return SignInGuard(
        db,
        account_policy=policy(settings.sign_in_account_free_failures,
                              settings.sign_in_account_lock_after),
        source_policy=policy(settings.sign_in_source_free_failures,
                             settings.sign_in_source_lock_after),
        trusted_proxies=frozenset(p.strip() for p in settings.sign_in_trusted_proxies
                                  .split(",") if p.strip()))


def sign_in_source(request: Request, trusted_proxies: frozenset[str]) -> str:
    """The address a sign-in comes from: the peer's, or the last address it forwards
    in ``X-Forwarded-For`` when the peer is a trusted proxy (the portal)."""
    peer = request.client.host if request.client else "unknown"
    forwarded = request.headers.get("x-forwarded-for", "")
    if peer in trusted_proxies and forwarded:
        return forwarded.split(",")[-1].strip()[:64] or peer
    return peer
