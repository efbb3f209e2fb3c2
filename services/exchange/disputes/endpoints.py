"""Dispute routes: open (a party), rule (regulators), read."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from services.exchange.disputes import service
from services.exchange.disputes.schemas import DisputeCreate, DisputeOut, Ruling
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal, Regulator
from services.shared.problems import Forbidden

router = APIRouter(tags=["disputes"])


@router.post("/disputes", status_code=status.HTTP_201_CREATED, response_model=DisputeOut,
             summary="Dispute a paid order (the buyer or the provider)")
def open_dispute(body: DisputeCreate, uow: UnitOfWorkDep, actor: CurrentPrincipal) -> DisputeOut:
    """paid or delivered → disputed, within the dispute window; settlement is frozen."""
    if not actor.has_role("buyer", "provider"):
        raise Forbidden("only buyers and providers dispute orders", slug="role-required")
    evidence = [e.model_dump(exclude_none=True) for e in body.evidence]
    return DisputeOut.model_validate(service.open_dispute(
        uow, order_id=body.order_id, reason=body.reason,
        evidence=evidence, actor=actor))


@router.post("/disputes/{dispute_id}/rule", response_model=DisputeOut,
             summary="Rule on a dispute (regulators)")
def rule(dispute_id: str, body: Ruling, uow: UnitOfWorkDep, actor: Regulator) -> DisputeOut:
    """refund_full → refunded (grant revoked); refund_partial (refund_fen) or reject →
    settled, the provider paid the rest less the fee, with a voucher."""
    return DisputeOut.model_validate(service.rule(
        uow, dispute_id=dispute_id, outcome=body.outcome,
        refund_fen=body.refund_fen, reason=body.reason, actor=actor))


@router.get("/disputes", response_model=list[DisputeOut],
            summary="Disputes the caller's organisation is party to (all for regulators)")
def list_disputes(
    session: SessionDep, actor: CurrentPrincipal,
    status_: Annotated[str | None, Query(alias="status", pattern="^(open|ruled)$")] = None,
    cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> list[DisputeOut]:
    """Newest first."""
    return [DisputeOut.model_validate(d) for d in service.list_disputes(
        session, actor, status=status_, after=cursor, limit=limit)]


@router.get("/disputes/{dispute_id}", response_model=DisputeOut,
            summary="One dispute (its order's parties, regulators)")
def get_dispute(dispute_id: str, session: SessionDep, actor: CurrentPrincipal) -> DisputeOut:
    """Others get 404."""
    return DisputeOut.model_validate(service.visible_dispute(session, dispute_id, actor))
