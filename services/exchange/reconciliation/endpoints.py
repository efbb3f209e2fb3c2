"""The reconciliation route (operators, regulators)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter

from services.exchange.reconciliation import service
from services.exchange.reconciliation.schemas import ReconciliationOut
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal
from services.shared.problems import Forbidden

router = APIRouter(tags=["accounts"])


@router.get("/reconciliation/{day}", response_model=ReconciliationOut,
            summary="A day's deposits and payouts against the journal")
def reconciliation(day: date, session: SessionDep,
                   actor: CurrentPrincipal) -> ReconciliationOut:
    """The business day's report (Beijing time); ``balanced`` is false and
    ``problems`` says why when anything disagrees with the journal."""
    if not actor.has_role("operator", "regulator"):
        raise Forbidden("the reconciliation is for operators and regulators",
                        slug="role-required")
    return ReconciliationOut.model_validate(service.reconcile_day(session, day))
