"""Operator routes for the exchange's own jobs."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel

from services.exchange.trading.context import TradingDep
from services.exchange.trading.sweeper import sweep_once
from services.shared.auth import Operator

router = APIRouter(tags=["operations"])


class SweepOut(BaseModel):
    """What a sweep did."""

    expired_orders: int
    settled_orders: int
    expired_grants: int
    forgotten_keys: int


@router.post("/trading/sweep", response_model=SweepOut,
             summary="Run expiry and auto-settlement now (operators)")
def sweep(request: Request, trading: TradingDep, _actor: Operator) -> SweepOut:
    """Expire overdue requests and unpaid orders, settle undisputed orders past the
    acceptance window, end grants whose term is over, forget old idempotency keys (the
    background job does the same every ``sweep_interval_seconds``)."""
    report = sweep_once(request.app.state.db, request.app.state.outbox, trading)
    return SweepOut(expired_orders=report.expired_orders, settled_orders=report.settled_orders,
                    expired_grants=report.expired_grants, forgotten_keys=report.forgotten_keys)
