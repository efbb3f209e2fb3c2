"""Applying the state machine to a stored order: who the caller is to it, the move, the
history row and the ledger event, all in the caller's transaction."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.market.statuses import OrderState
from services.exchange.orders.model import (
    TERMINAL_STATES,
    OrderAction,
    OrderClock,
    OrderFacts,
    Party,
    decide,
    expiry_deadline,
    settle_after,
)
from services.exchange.orders.tables import Order, OrderMove
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.events import EventRecord
from services.shared.problems import NotFound


def facts_of(order: Order) -> OrderFacts:
    """The facts the pure rules need about ``order``."""
    return OrderFacts(
        state=OrderState(order.status), created_at=order.created_at,
        needs_regulator_approval=order.needs_regulator_approval,
        regulator_approved=order.regulator_approved_at is not None,
        accepted_at=order.accepted_at, paid_at=order.paid_at, delivered_at=order.delivered_at,
    )


def party_of(order: Order, principal: Principal | None) -> Party | None:
    """What the caller is to the order: buyer, provider, regulator, or nothing."""
    if principal is None:
        return None
    if principal.org is not None and principal.org == order.buyer_org_id and \
            principal.has_role("buyer"):
        return Party.BUYER
    if principal.org is not None and principal.org == order.provider_org_id and \
            principal.has_role("provider"):
        return Party.PROVIDER
    if principal.has_role("regulator"):
        return Party.REGULATOR
    return None


def load_order(session: Session, order_id: str, principal: Principal, *,
               for_update: bool = False) -> tuple[Order, Party]:
    """The order and the caller's part in it; 404 for anyone who is not a party or a
    regulator (whether or not it exists)."""
    stmt = select(Order).where(Order.id == order_id)
    if for_update:
        stmt = stmt.with_for_update()
    order = session.scalars(stmt).first()
    party = party_of(order, principal) if order is not None else None
    if order is None or party is None:
        raise NotFound(f"no order {order_id}")
    return order, party


def lock_order(session: Session, order_id: str, *, skip_locked: bool = False) -> Order | None:
    """The order locked for update (None if absent, or locked elsewhere with
    ``skip_locked``)."""
    stmt = select(Order).where(Order.id == order_id).with_for_update(skip_locked=skip_locked)
    return session.scalars(stmt).first()


def move(uow: UnitOfWork, order: Order, action: OrderAction, *,
         party: Party, actor: str, clock: OrderClock, now: datetime,
         payload: dict[str, Any] | None = None) -> EventRecord:
    """Take ``action`` on ``order``: update it, add the history row, record the event."""
    before = OrderState(order.status)
    step = decide(facts_of(order), action, party=party, now=now, clock=clock)
    facts = step.facts
    order.status = facts.state.value
    order.accepted_at, order.paid_at = facts.accepted_at, facts.paid_at
    order.delivered_at = facts.delivered_at
    order.updated_at = now
    order.due_at = expiry_deadline(facts, clock) or settle_after(facts, clock)
    if facts.state in TERMINAL_STATES:
        order.closed_at = now
    event = uow.record(type=step.event, actor=actor, subject=order.id,
        payload={"order_id": order.id, "action": action.value, "from": before.value,
                 "to": facts.state.value, "buyer_org_id": order.buyer_org_id,
                 "provider_org_id": order.provider_org_id,
                 "contract_sha256": order.contract_sha256, **(payload or {})},
    )
    uow.session.add(OrderMove(order_id=order.id, action=action.value, from_status=before.value,
                          to_status=facts.state.value, actor=actor, event_id=event.event_id,
                          at=now))
    return event
