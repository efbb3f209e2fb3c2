"""Concurrent payments from one account never overspend, and one order is never paid
twice: real threads, each with its own database session and transaction (the row locks
matter on PostgreSQL; SQLite serialises writers anyway)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest

from services.exchange.orders.settlement import pay_order
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.problems import Conflict
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def buyer_principal(market: Market) -> Principal:
    me = market.exchange.get("/v1/me", headers=bearer(market.buyer)).json()
    return Principal(subject=me["user"]["id"], kind="user", org=me["organization"]["id"],
                     roles=frozenset({"buyer"}), token="")


def race(work: list[Callable[[], Any]]) -> list[str]:
    """Run every callable at once (a barrier releases them together); each outcome."""
    barrier = threading.Barrier(len(work))
    outcomes: list[str] = [""] * len(work)

    def run(i: int) -> None:
        barrier.wait()
        try:
            work[i]()
            outcomes[i] = "paid"
        except Conflict as conflict:
            outcomes[i] = conflict.slug

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(work))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def pay_in_own_transaction(market: Market, order_id: str,
                           principal: Principal) -> Callable[[], Any]:
    app = market.exchange.app  # type: ignore[attr-defined]

    def pay() -> None:
        with app.state.db.transaction() as session:
            pay_order(UnitOfWork(session, app.state.outbox, app.state.trading), order_id=order_id,
                      actor=principal)

    return pay


def test_concurrent_payments_from_one_account_cannot_overspend(market: Market) -> None:
    offer = market.offer(price_fen=30_000)
    orders = [market.accepted(offer) for _ in range(6)]
    market.deposit(market.buyer, 100_000)
    principal = buyer_principal(market)
    outcomes = race([pay_in_own_transaction(market, o["id"], principal) for o in orders])
    assert sorted(outcomes) == ["insufficient-funds"] * 3 + ["paid"] * 3
    assert market.balances(market.buyer) == (10_000, 90_000)
    trial = market.exchange.get("/v1/accounts/trial-balance",
                                headers=bearer(market.operator)).json()
    assert trial["balanced"] is True
    assert len(market.events("order.paid")) == 3


def test_one_order_paid_from_many_threads_is_charged_once(market: Market) -> None:
    order = market.accepted()
    market.deposit(market.buyer, 1_000_000)
    principal = buyer_principal(market)
    outcomes = race([pay_in_own_transaction(market, order["id"], principal)] * 5)
    assert sorted(outcomes) == ["invalid-transition"] * 4 + ["paid"]
    assert market.balances(market.buyer) == (950_000, 50_000)
