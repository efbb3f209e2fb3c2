"""Account routes: a member's balances and journal, operators' deposits, the trial balance."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, status

from services.exchange.idempotency.service import Answer, run_once
from services.exchange.money import repository, service
from services.exchange.money.schemas import (
    AccountOut,
    DepositIn,
    DepositOut,
    EntryOut,
    PostingOut,
    TrialBalanceOut,
)
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal, Operator
from services.shared.problems import Forbidden

router = APIRouter(tags=["accounts"])


def _member_org(actor: CurrentPrincipal) -> str:
    if actor.org is None:
        raise Forbidden("accounts belong to member organisations", slug="members-only")
    return actor.org


@router.get("/accounts/me", response_model=AccountOut, summary="The caller's balances")
def my_account(session: SessionDep, actor: CurrentPrincipal) -> AccountOut:
    """Available and escrowed money of the caller's organisation."""
    b = service.balances_of(session, _member_org(actor))
    return AccountOut(org_id=b.org_id, balance_fen=b.balance_fen, escrow_fen=b.escrow_fen)


@router.get("/accounts/me/entries", response_model=list[EntryOut],
            summary="Journal entries on the caller's accounts, newest first")
def my_entries(session: SessionDep, actor: CurrentPrincipal,
               before: str | None = None,
               limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[EntryOut]:
    """Each entry with its postings on the caller's own accounts."""
    rows = repository.entries_of(session, _member_org(actor), limit=limit, before=before)
    return [EntryOut(id=e.id, kind=e.kind, order_id=e.order_id, created_at=e.created_at,
                     postings=[PostingOut(account=p.account_id, amount_fen=p.amount_fen)
                               for p in postings]) for e, postings in rows]


@router.post("/accounts/{org_id}/deposits", status_code=status.HTTP_201_CREATED,
             response_model=DepositOut, summary="Record an external bank deposit (operators)")
def deposit(org_id: str, body: DepositIn, uow: UnitOfWorkDep,
            actor: Operator,
            idempotency_key: Annotated[str | None, Header(
                alias="Idempotency-Key", max_length=200,
                description="optional: a retry with the same key is recorded once")] = None,
            ) -> Any:
    """Credit the organisation's available balance (bank clearing → member)."""
    def run() -> Answer:
        entry_id, b = service.record_deposit(uow, org_id=org_id,
                                             amount_fen=body.amount_fen,
                                             reference=body.reference, actor=actor)
        out = DepositOut(org_id=org_id, balance_fen=b.balance_fen, escrow_fen=b.escrow_fen,
                         journal_entry_id=entry_id, amount_fen=body.amount_fen)
        return Answer(status.HTTP_201_CREATED, out.model_dump(mode="json"))

    if idempotency_key is None:
        return run().body
    return run_once(uow.session, principal=actor, key=idempotency_key, method="POST",
                    path=f"/v1/accounts/{org_id}/deposits", body=body.model_dump(mode="json"),
                    run=run)


@router.get("/accounts/trial-balance", response_model=TrialBalanceOut,
            summary="The journal's trial balance (operators, regulators)")
def trial_balance(session: SessionDep, actor: CurrentPrincipal) -> TrialBalanceOut:
    """Every account's balance from its postings and whether they sum to zero."""
    if not actor.has_role("operator", "regulator"):
        raise Forbidden("the trial balance is for operators and regulators",
                        slug="role-required")
    tb = service.trial_balance(session)
    return TrialBalanceOut(balances=tb.balances, total_fen=tb.total_fen,
                           balanced=tb.total_fen == 0 and not tb.kept_mismatches,
                           kept_mismatches={k: list(v) for k, v in tb.kept_mismatches.items()})
