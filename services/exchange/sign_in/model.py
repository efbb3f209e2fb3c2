"""The sign-in throttle's rules, pure: how long a key (an account or a source address)
must wait after its failures, and when it is locked.

Each failure past ``free_failures`` doubles the wait before the next attempt, from
``base_delay_seconds`` up to ``max_delay_seconds``; the ``lock_after``-th failure locks
the key for ``lock_seconds`` (an operator may unlock it sooner). Failures are forgotten
``window_seconds`` after the last one; a successful sign-in clears an account's count
(not a source's: one good account must not launder a source's guesses).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from services.shared.problems import Problem


class KeyKind(StrEnum):
    """What a throttle key counts failures of."""

    ACCOUNT = "account"
    SOURCE = "source"


@dataclass(frozen=True)
class ThrottlePolicy:
    """The bounds for one kind of key."""

    free_failures: int
    lock_after: int
    base_delay_seconds: float
    max_delay_seconds: float
    lock_seconds: int
    window_seconds: int


@dataclass(frozen=True)
class ThrottleState:
    """Failures counted for one key and the times it must wait until."""

    failures: int = 0
    last_failure_at: datetime | None = None
    blocked_until: datetime | None = None
    locked_until: datetime | None = None


@dataclass(frozen=True)
class Wait:
    """How long before the next attempt, and whether that is a lock."""

    seconds: int
    locked: bool


class SignInThrottled(Problem, status=429, slug="sign-in-throttled",
                      title="Too many failed sign-ins"):
    """429 with ``Retry-After``: the account or source must wait before trying again."""


def throttle_key(kind: KeyKind, value: str) -> str:
    """The stored key: accounts by a hash of the lower-cased name (names that do not
    exist are throttled alike, and are not stored in the clear), sources as given."""
    if kind is KeyKind.ACCOUNT:
        digest = hashlib.sha256(value.strip().lower().encode()).hexdigest()[:40]
        return f"account:{digest}"
    return f"source:{value[:64]}"


def wait_before_attempt(state: ThrottleState, now: datetime) -> Wait | None:
    """The wait still due at ``now``, or None when an attempt may be made."""
    if state.locked_until is not None and state.locked_until > now:
        return Wait(math.ceil((state.locked_until - now).total_seconds()), locked=True)
    if state.blocked_until is not None and state.blocked_until > now:
        return Wait(math.ceil((state.blocked_until - now).total_seconds()), locked=False)
    return None


def after_failure(policy: ThrottlePolicy, state: ThrottleState,
                  now: datetime) -> tuple[ThrottleState, bool]:
    """The state after one more failure at ``now``, and whether it has just locked."""
    failures = state.failures
    if state.last_failure_at is None or \
            now - state.last_failure_at > timedelta(seconds=policy.window_seconds):
        failures = 0
    failures += 1
    if failures >= policy.lock_after:
        return replace(state, failures=failures, last_failure_at=now, blocked_until=None,
                       locked_until=now + timedelta(seconds=policy.lock_seconds)), True
    over = failures - policy.free_failures
    delay = 0.0 if over <= 0 else min(policy.base_delay_seconds * 2 ** (over - 1),
                                      policy.max_delay_seconds)
    blocked = now + timedelta(seconds=delay) if delay else None
    return replace(state, failures=failures, last_failure_at=now, blocked_until=blocked,
                   locked_until=None), False


def cleared() -> ThrottleState:
    """The state after a success or an operator's unlock."""
    return ThrottleState()
