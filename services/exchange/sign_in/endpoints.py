"""The operator's view of locked sign-ins, and the unlock."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from services.exchange.sign_in import service
from services.exchange.sign_in.schemas import SignInLockOut, UnlockIn
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import Operator

router = APIRouter(tags=["security"])


@router.get("/sign-in/locks", response_model=list[SignInLockOut],
            summary="Accounts and addresses locked or delayed now (operators)")
def list_locks(session: SessionDep, _operator: Operator) -> Any:
    """Locks first, then delays; at most 200."""
    return service.waiting(session)


@router.post("/sign-in/unlock", response_model=SignInLockOut,
             summary="Unlock an account (by username) or a source address (operators)")
def unlock(body: UnlockIn, uow: UnitOfWorkDep, actor: Operator) -> Any:
    """Clears the failures at once; recorded in the security-event log and the ledger."""
    return service.unlock(uow, username=body.username, source=body.source, actor=actor)
