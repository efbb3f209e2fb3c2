"""Operators suspend and reinstate organisations."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request

from services.exchange.identity.schemas import OrganizationOut
from services.exchange.suspension import service
from services.exchange.suspension.schemas import SuspensionDecision
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.auth import Operator

router = APIRouter(tags=["identity"])


@router.post("/organizations/{org_id}/suspend", response_model=OrganizationOut,
             summary="Suspend an organisation, with a reason: its tokens, grants and offers "
                     "stop (operators)")
def suspend(org_id: str, body: SuspensionDecision, request: Request, uow: UnitOfWorkDep,
            actor: Operator) -> Any:
    """active → suspended."""
    org = service.suspend(uow, org_id=org_id, reason=body.reason, actor=actor)
    request.app.state.revocations.forget()
    return org


@router.post("/organizations/{org_id}/reinstate", response_model=OrganizationOut,
             summary="Reinstate a suspended organisation: its offers come back, its revoked "
                     "grants do not (operators)")
def reinstate(org_id: str, body: SuspensionDecision, uow: UnitOfWorkDep,
              actor: Operator) -> Any:
    """suspended → active."""
    return service.reinstate(uow, org_id=org_id, reason=body.reason, actor=actor)
