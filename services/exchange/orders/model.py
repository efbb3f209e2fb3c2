"""The order state machine: pure rules, no I/O.

Every allowed move is one row of :data:`TRANSITIONS` (action, the states it may start
from, the state it leads to, who may take it, the ledger event it records). Anything
else is a 409. Time-based guards (request expiry, the acceptance and dispute windows)
take ``now`` as an argument so that they are tested without a clock.

::

    requested → accepted (provider) | rejected (provider; or a regulator refuses)
              | cancelled (buyer) | expired (no answer before the deadline)
    accepted  → paid (buyer) | cancelled (buyer) | expired (not paid in time)
    paid      → delivered (grant fetched) | settled (confirmed, or window passed) | disputed
    delivered → settled (confirmed, or window passed) | disputed
    disputed  → refunded (full refund) | settled (partial refund, or complaint rejected)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from services.exchange.market.statuses import OrderState
from services.shared.problems import Conflict, Forbidden


class OrderAction(StrEnum):
    """What can happen to an order."""

    ACCEPT = "accept"
    REJECT = "reject"
    REFUSE = "refuse"
    CANCEL = "cancel"
    EXPIRE = "expire"
    PAY = "pay"
    DELIVER = "deliver"
    CONFIRM = "confirm"
    AUTO_SETTLE = "auto_settle"
    DISPUTE = "dispute"
    RULE_REFUND_FULL = "rule_refund_full"
    RULE_REFUND_PARTIAL = "rule_refund_partial"
    RULE_REJECT = "rule_reject"


class Party(StrEnum):
    """Who takes an action: one of the two parties, a regulator, or the exchange itself."""

    BUYER = "buyer"
    PROVIDER = "provider"
    REGULATOR = "regulator"
    SYSTEM = "system"


@dataclass(frozen=True)
class Transition:
    """One allowed move of the state machine."""

    action: OrderAction
    sources: frozenset[OrderState]
    target: OrderState
    parties: frozenset[Party]
    event: str


def _row(action: OrderAction, sources: Iterable[OrderState], target: OrderState,
         parties: Iterable[Party], event: str) -> tuple[OrderAction, Transition]:
    return action, Transition(action, frozenset(sources), target, frozenset(parties), event)


S, A, P = OrderState, OrderAction, Party

# The one table of allowed transitions.
TRANSITIONS: Mapping[OrderAction, Transition] = dict([
    _row(A.ACCEPT, [S.REQUESTED], S.ACCEPTED, [P.PROVIDER], "order.accepted"),
    _row(A.REJECT, [S.REQUESTED], S.REJECTED, [P.PROVIDER], "order.rejected"),
    _row(A.REFUSE, [S.REQUESTED], S.REJECTED, [P.REGULATOR], "order.refused"),
    _row(A.CANCEL, [S.REQUESTED, S.ACCEPTED], S.CANCELLED, [P.BUYER], "order.cancelled"),
    _row(A.EXPIRE, [S.REQUESTED, S.ACCEPTED], S.EXPIRED, [P.SYSTEM], "order.expired"),
    _row(A.PAY, [S.ACCEPTED], S.PAID, [P.BUYER], "order.paid"),
    _row(A.DELIVER, [S.PAID], S.DELIVERED, [P.BUYER, P.SYSTEM], "order.delivered"),
    _row(A.CONFIRM, [S.PAID, S.DELIVERED], S.SETTLED, [P.BUYER], "order.settled"),
    _row(A.AUTO_SETTLE, [S.PAID, S.DELIVERED], S.SETTLED, [P.SYSTEM], "order.settled"),
    _row(A.DISPUTE, [S.PAID, S.DELIVERED], S.DISPUTED, [P.BUYER, P.PROVIDER],
         "order.disputed"),
    _row(A.RULE_REFUND_FULL, [S.DISPUTED], S.REFUNDED, [P.REGULATOR], "order.refunded"),
    _row(A.RULE_REFUND_PARTIAL, [S.DISPUTED], S.SETTLED, [P.REGULATOR], "order.settled"),
    _row(A.RULE_REJECT, [S.DISPUTED], S.SETTLED, [P.REGULATOR], "order.settled"),
])

TERMINAL_STATES = frozenset(
    {S.REJECTED, S.SETTLED, S.CANCELLED, S.EXPIRED, S.REFUNDED}
)
# States in which the buyer's money sits in escrow.
ESCROWED_STATES = frozenset({S.PAID, S.DELIVERED, S.DISPUTED})
# States in which the buyer holds a usable access grant.
GRANTED_STATES = frozenset({S.PAID, S.DELIVERED, S.DISPUTED, S.SETTLED})


@dataclass(frozen=True)
class OrderClock:
    """The deadlines an order's time-based moves depend on."""

    request_expiry: timedelta
    payment_window: timedelta
    acceptance_window: timedelta
    dispute_window: timedelta


@dataclass(frozen=True)
class OrderFacts:
    """What the rules need to know about one order."""

    state: OrderState
    created_at: datetime
    needs_regulator_approval: bool = False
    regulator_approved: bool = False
    accepted_at: datetime | None = None
    paid_at: datetime | None = None
    delivered_at: datetime | None = None


@dataclass(frozen=True)
class Step:
    """The result of an allowed action: the order's new facts and the event to record."""

    facts: OrderFacts
    transition: Transition

    @property
    def event(self) -> str:
        """The ledger event type this step records."""
        return self.transition.event


def allowed_actions(state: OrderState) -> list[OrderAction]:
    """Actions the table allows from ``state`` (time and approval guards aside)."""
    return [t.action for t in TRANSITIONS.values() if state in t.sources]


def _delivery_started(facts: OrderFacts) -> datetime | None:
    return facts.delivered_at or facts.paid_at


def _check_guards(facts: OrderFacts, action: OrderAction, now: datetime,
                  clock: OrderClock) -> None:
    if action is A.ACCEPT and facts.needs_regulator_approval and not facts.regulator_approved:
        raise Conflict("the order covers important-grade data: a regulator must approve it "
                       "before the provider can accept", slug="regulator-approval-required")
    if action is A.EXPIRE:
        deadline = expiry_deadline(facts, clock)
        if deadline is None or now < deadline:
            raise Conflict("the order has not reached its deadline", slug="not-expired")
    if action is A.AUTO_SETTLE:
        start = _delivery_started(facts)
        if start is None or now < start + clock.acceptance_window:
            raise Conflict("the acceptance window is still open", slug="acceptance-window-open")
    if action is A.DISPUTE:
        start = _delivery_started(facts)
        if start is None or now > start + clock.dispute_window:
            raise Conflict("the dispute window has closed", slug="dispute-window-closed")


def expiry_deadline(facts: OrderFacts, clock: OrderClock) -> datetime | None:
    """When an unanswered request or an unpaid accepted order expires (None otherwise)."""
    if facts.state is S.REQUESTED:
        return facts.created_at + clock.request_expiry
    if facts.state is S.ACCEPTED and facts.accepted_at is not None:
        return facts.accepted_at + clock.payment_window
    return None


def settle_after(facts: OrderFacts, clock: OrderClock) -> datetime | None:
    """When a paid or delivered order settles by itself if nobody disputes it."""
    start = _delivery_started(facts)
    if facts.state not in (S.PAID, S.DELIVERED) or start is None:
        return None
    return start + clock.acceptance_window


def decide(facts: OrderFacts, action: OrderAction, *, party: Party, now: datetime,
           clock: OrderClock) -> Step:
    """Apply ``action`` by ``party`` at ``now``: the new facts, or a problem saying why not.

    A party the table never allows for the action gets 403; an action the current
    state does not allow (or whose deadline or approval is not met) gets 409.
    """
    transition = TRANSITIONS[action]
    if party not in transition.parties:
        raise Forbidden(f"the {party.value} may not {action.value} an order",
                        slug="not-your-move")
    if facts.state not in transition.sources:
        allowed = ", ".join(sorted(s.value for s in transition.sources))
        raise Conflict(
            f"cannot {action.value} an order that is {facts.state.value} "
            f"(only from {allowed})",
            slug="invalid-transition", state=facts.state.value, action=action.value,
        )
    _check_guards(facts, action, now, clock)
    changes: dict[str, object] = {"state": transition.target}
    if action is A.ACCEPT:
        changes["accepted_at"] = now
    elif action is A.PAY:
        changes["paid_at"] = now
    elif action is A.DELIVER:
        changes["delivered_at"] = now
    return Step(replace(facts, **changes), transition)  # type: ignore[arg-type]


def replay(actions: Iterable[OrderAction]) -> OrderState:
    """The state a history of actions leads to from ``requested``; ``ValueError`` if the
    history contains a move the table does not allow."""
    state = S.REQUESTED
    for action in actions:
        transition = TRANSITIONS[action]
        if state not in transition.sources:
            raise ValueError(f"{action.value} is not allowed from {state.value}")
        state = transition.target
    return state
