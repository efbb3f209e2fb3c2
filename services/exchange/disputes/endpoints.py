"""Dispute routes: open (a party), rule (regulators), read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, status

from services.exchange.disputes import service
from services.exchange.disputes.schemas import (
    Answer,
    DisputeCreate,
    DisputeOut,
    LedgerEntryOut,
    Ruling,
)
from services.exchange.trading.context import TradingDep
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal, Regulator
from services.shared.problems import Forbidden

router = APIRouter(tags=["disputes"])


@router.post("/disputes", status_code=status.HTTP_201_CREATED, response_model=DisputeOut,
             summary="Dispute a paid order (the buyer or the provider)")
def open_dispute(body: DisputeCreate, uow: UnitOfWorkDep, actor: CurrentPrincipal) -> DisputeOut:
    """paid or delivered → disputed, within the dispute window; settlement is frozen.
    Each evidence item must be a ledger entry of this order (422 otherwise); the other
    party may answer until ``answer_due_at``."""
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
        uow, dispute_id=dispute_id, outcome=body.outcome, refund_fen=body.refund_fen,
        reason=body.reason, cited=body.cited_evidence, actor=actor))


@router.post("/disputes/{dispute_id}/answer", response_model=DisputeOut,
             summary="Answer a dispute (the other party, before answer_due_at)")
def answer(dispute_id: str, body: Answer, uow: UnitOfWorkDep,
           actor: CurrentPrincipal) -> DisputeOut:
    """The respondent's statement and evidence (ledger entries of the order), once."""
    if not actor.has_role("buyer", "provider"):
        raise Forbidden("only the other party to the order answers a dispute",
                        slug="role-required")
    evidence = [e.model_dump(exclude_none=True) for e in body.evidence]
    return DisputeOut.model_validate(service.answer(
        uow, dispute_id=dispute_id, statement=body.statement, evidence=evidence, actor=actor))


@router.get("/disputes/{dispute_id}/case",
            summary="The case file: evidence with inclusion proofs against a signed checkpoint")
def case_file(dispute_id: str, session: SessionDep, trading: TradingDep,
              actor: CurrentPrincipal) -> dict[str, Any]:
    """Verify it offline with ``dataex dispute verify CASEFILE``."""
    dispute = service.visible_dispute(session, dispute_id, actor)
    shown = DisputeOut.model_validate(dispute).model_dump(mode="json")
    return service.case_file(session, trading.audit, dispute, shown)


@router.get("/orders/{order_id}/ledger-entries", response_model=list[LedgerEntryOut],
            summary="The order's ledger entries, which its parties may cite as evidence")
def order_ledger_entries(order_id: str, session: SessionDep, trading: TradingDep,
                         actor: CurrentPrincipal) -> list[LedgerEntryOut]:
    """Entries whose subject is the order or its grant, in log order."""
    return [LedgerEntryOut(ledger_seq=e.seq, event_id=e.event_id, type=e.type,
                           actor=e.actor, subject=e.subject, occurred_at=e.occurred_at,
                           entry_hash=e.entry_hash)
            for e in service.citable_entries(session, trading.audit, order_id, actor)]


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
