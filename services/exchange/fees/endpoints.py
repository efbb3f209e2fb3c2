"""Fee routes: operators set the exchange fee; members and regulators read it."""

from __future__ import annotations

from fastapi import APIRouter, status

from services.exchange.fees import repository, service
from services.exchange.fees.schemas import FeeIn, FeeOut, FeesOut
from services.exchange.trading.context import TradingDep
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal, Operator
from services.shared.orm import utcnow

router = APIRouter(tags=["fees"])
SCHEDULE_SHOWN = 100


@router.get("/fees", response_model=FeesOut, summary="The exchange fee and its schedule")
def fees(session: SessionDep, trading: TradingDep, actor: CurrentPrincipal) -> FeesOut:
    """The fee settlements use now, and every scheduled fee (latest start first)."""
    default = trading.settings.fee_bps
    return FeesOut(current_bps=service.fee_in_effect(session, utcnow(), default),
                   default_bps=default,
                   schedule=[FeeOut.model_validate(r)
                             for r in repository.schedule(session, SCHEDULE_SHOWN)])


@router.post("/fees", status_code=status.HTTP_201_CREATED, response_model=FeeOut,
             summary="Set the exchange fee from a date (operators)")
def set_fee(body: FeeIn, uow: UnitOfWorkDep, actor: Operator) -> FeeOut:
    """Schedule the fee; settlements from its effective time use it."""
    return FeeOut.model_validate(service.set_fee(uow, fee_bps=body.fee_bps,
                                                 effective_date=body.effective_date,
                                                 actor=actor))
