"""The order state machine: the table, every forbidden move, the time guards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.exchange.market.statuses import OrderState
from services.exchange.orders.model import (
    TRANSITIONS,
    OrderAction,
    OrderClock,
    OrderFacts,
    Party,
    allowed_actions,
    decide,
    expiry_deadline,
    replay,
    settle_after,
)
from services.shared.problems import Conflict, Forbidden

T0 = datetime(2026, 3, 1, tzinfo=UTC)
CLOCK = OrderClock(request_expiry=timedelta(hours=72), payment_window=timedelta(hours=48),
                   acceptance_window=timedelta(days=7), dispute_window=timedelta(days=7))
S, A, P = OrderState, OrderAction, Party


def facts(state: OrderState, **kw: object) -> OrderFacts:
    base: dict[str, object] = {"state": state, "created_at": T0}
    if state not in (S.REQUESTED,):
        base["accepted_at"] = T0
    if state in (S.PAID, S.DELIVERED, S.DISPUTED, S.SETTLED, S.REFUNDED):
        base["paid_at"] = T0
    base.update(kw)
    return OrderFacts(**base)  # type: ignore[arg-type]


def a_party(action: OrderAction) -> Party:
    return sorted(TRANSITIONS[action].parties)[0]


def when(action: OrderAction) -> datetime:
    """A moment at which the time guards of ``action`` are met."""
    if action is A.EXPIRE or action is A.AUTO_SETTLE:
        return T0 + timedelta(days=30)
    return T0 + timedelta(hours=1)


def test_the_happy_path_reaches_settled() -> None:
    f = facts(S.REQUESTED)
    for action, party in [(A.ACCEPT, P.PROVIDER), (A.PAY, P.BUYER), (A.DELIVER, P.BUYER),
                          (A.CONFIRM, P.BUYER)]:
        step = decide(f, action, party=party, now=T0 + timedelta(hours=1), clock=CLOCK)
        f = step.facts
    assert f.state is S.SETTLED
    assert f.accepted_at and f.paid_at and f.delivered_at


@pytest.mark.parametrize(
    ("state", "action"),
    [(s, a) for s in OrderState for a in OrderAction if s not in TRANSITIONS[a].sources],
)
def test_every_move_the_table_does_not_allow_is_a_conflict(
    state: OrderState, action: OrderAction
) -> None:
    with pytest.raises(Conflict) as caught:
        decide(facts(state), action, party=a_party(action), now=when(action), clock=CLOCK)
    assert caught.value.slug == "invalid-transition"
    assert caught.value.extensions["state"] == state.value


@pytest.mark.parametrize(
    ("action", "party"),
    [(a, p) for a in OrderAction for p in Party if p not in TRANSITIONS[a].parties],
)
def test_a_party_the_table_never_allows_is_forbidden(action: OrderAction, party: Party) -> None:
    source = sorted(TRANSITIONS[action].sources)[0]
    with pytest.raises(Forbidden):
        decide(facts(source), action, party=party, now=when(action), clock=CLOCK)


def test_terminal_states_allow_nothing() -> None:
    for state in (S.REJECTED, S.SETTLED, S.CANCELLED, S.EXPIRED, S.REFUNDED):
        assert allowed_actions(state) == []


def test_important_data_needs_the_regulator_before_acceptance() -> None:
    pending = facts(S.REQUESTED, needs_regulator_approval=True)
    with pytest.raises(Conflict) as caught:
        decide(pending, A.ACCEPT, party=P.PROVIDER, now=T0, clock=CLOCK)
    assert caught.value.slug == "regulator-approval-required"
    approved = facts(S.REQUESTED, needs_regulator_approval=True, regulator_approved=True)
    assert decide(approved, A.ACCEPT, party=P.PROVIDER, now=T0, clock=CLOCK).facts.state \
        is S.ACCEPTED


def test_requests_expire_only_after_their_deadline() -> None:
    request = facts(S.REQUESTED)
    assert expiry_deadline(request, CLOCK) == T0 + timedelta(hours=72)
    with pytest.raises(Conflict):
        decide(request, A.EXPIRE, party=P.SYSTEM, now=T0 + timedelta(hours=71), clock=CLOCK)
    step = decide(request, A.EXPIRE, party=P.SYSTEM, now=T0 + timedelta(hours=72), clock=CLOCK)
    assert step.facts.state is S.EXPIRED
    assert step.event == "order.expired"
    accepted = facts(S.ACCEPTED)
    assert expiry_deadline(accepted, CLOCK) == T0 + timedelta(hours=48)


def test_auto_settlement_waits_for_the_acceptance_window() -> None:
    delivered = facts(S.DELIVERED, delivered_at=T0)
    assert settle_after(delivered, CLOCK) == T0 + timedelta(days=7)
    with pytest.raises(Conflict):
        decide(delivered, A.AUTO_SETTLE, party=P.SYSTEM, now=T0 + timedelta(days=6),
               clock=CLOCK)
    assert decide(delivered, A.AUTO_SETTLE, party=P.SYSTEM, now=T0 + timedelta(days=7),
                  clock=CLOCK).facts.state is S.SETTLED


def test_disputes_close_with_their_window() -> None:
    delivered = facts(S.DELIVERED, delivered_at=T0)
    assert decide(delivered, A.DISPUTE, party=P.PROVIDER, now=T0 + timedelta(days=7),
                  clock=CLOCK).facts.state is S.DISPUTED
    with pytest.raises(Conflict) as caught:
        decide(delivered, A.DISPUTE, party=P.BUYER, now=T0 + timedelta(days=8), clock=CLOCK)
    assert caught.value.slug == "dispute-window-closed"


@given(st.lists(st.sampled_from(list(OrderAction)), max_size=12))
def test_replay_agrees_with_decide(actions: list[OrderAction]) -> None:
    f = facts(S.REQUESTED, needs_regulator_approval=False)
    taken: list[OrderAction] = []
    for action in actions:
        try:
            f = decide(f, action, party=a_party(action), now=when(action), clock=CLOCK).facts
        except Conflict:
            continue
        taken.append(action)
        assert replay(taken) is f.state
    with pytest.raises(ValueError):
        replay([*taken, A.ACCEPT, A.ACCEPT])
