"""Payout routes: a provider's bank account and payout requests; operators pay or
reject them. Where money moves, an Idempotency-Key makes a retry happen once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, status
from pydantic import BaseModel

from services.exchange.idempotency.service import Answer, run_once
from services.exchange.market.statuses import PayoutStatus
from services.exchange.payouts import repository, service
from services.exchange.payouts.schemas import (
    BankAccountIn,
    BankAccountOut,
    PaidIn,
    PayoutIn,
    PayoutOut,
    RejectIn,
)
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal, Operator, Principal, Provider
from services.shared.problems import Forbidden, NotFound

router = APIRouter(tags=["payouts"])

IdempotencyKey = Annotated[str | None, Header(
    alias="Idempotency-Key", max_length=200,
    description="optional: a retry with the same key moves the money once")]


def _org(actor: Principal) -> str:
    if actor.org is None:
        raise Forbidden("payouts belong to member organisations", slug="members-only")
    return actor.org


def _once(uow: UnitOfWorkDep, actor: Principal, key: str | None, path: str,
          body: BaseModel, code: int, run: Callable[[], object]) -> Any:
    """Run a payout's money move, once per Idempotency-Key when one is given."""
    def answer() -> Answer:
        return Answer(code, PayoutOut.model_validate(run()).model_dump(mode="json"))

    if key is None:
        return answer().body
    return run_once(uow.session, principal=actor, key=key, method="POST", path=path,
                    body=body.model_dump(mode="json"), run=answer)


@router.put("/payouts/bank-account", response_model=BankAccountOut,
            summary="Put the bank account payouts go to (providers)")
def put_bank_account(body: BankAccountIn, uow: UnitOfWorkDep,
                     actor: Provider) -> BankAccountOut:
    """Keep (or replace) the organisation's bank account on file."""
    row = service.set_bank_account(uow, org_id=_org(actor), account_name=body.account_name,
                                   bank_name=body.bank_name,
                                   account_number=body.account_number, actor=actor)
    return BankAccountOut.model_validate(row)


@router.get("/payouts/bank-account", response_model=BankAccountOut,
            summary="The bank account on file (providers)")
def get_bank_account(session: SessionDep, actor: Provider) -> BankAccountOut:
    """The caller's bank account on file, its number masked; 404 when there is none."""
    row = repository.bank_account_of(session, _org(actor))
    if row is None:
        raise NotFound("no bank account on file", slug="no-bank-account")
    return BankAccountOut.model_validate(row)


@router.post("/payouts", status_code=status.HTTP_201_CREATED, response_model=PayoutOut,
             summary="Request a payout of available money (providers)")
def request_payout(body: PayoutIn, uow: UnitOfWorkDep, actor: Provider,
                   idempotency_key: IdempotencyKey = None) -> Any:
    """Move the amount from available to payout-pending, to be paid to the account on
    file; 409 without an account or when the balance does not suffice."""
    org_id = _org(actor)
    return _once(uow, actor, idempotency_key, "/v1/payouts", body, status.HTTP_201_CREATED,
                 lambda: service.request_payout(uow, org_id=org_id, amount_fen=body.amount_fen,
                                                actor=actor))


@router.get("/payouts", response_model=list[PayoutOut],
            summary="Payouts: a provider's own; every one for operators and regulators")
def list_payouts(session: SessionDep, actor: CurrentPrincipal,
                 status: PayoutStatus | None = None, org_id: str | None = None,
                 limit: Annotated[int, Query(ge=1, le=500)] = 100) -> list[PayoutOut]:
    """Newest first; operators and regulators may filter by organisation."""
    if actor.has_role("operator", "regulator"):
        org = org_id
    elif actor.has_role("provider"):
        org = _org(actor)
    else:
        raise Forbidden("payouts are for providers, operators and regulators",
                        slug="role-required")
    rows = repository.payouts(session, org_id=org, status=status, limit=limit)
    return [PayoutOut.model_validate(p) for p in rows]


@router.get("/payouts/{payout_id}", response_model=PayoutOut, summary="One payout")
def get_payout(payout_id: str, session: SessionDep, actor: CurrentPrincipal) -> PayoutOut:
    """Its organisation, operators and regulators see it; anyone else gets a 404."""
    payout = repository.payout(session, payout_id)
    if payout is None or not (actor.has_role("operator", "regulator")
                              or payout.org_id == actor.org):
        raise NotFound(f"no payout {payout_id}")
    return PayoutOut.model_validate(payout)


@router.post("/payouts/{payout_id}/paid", response_model=PayoutOut,
             summary="Mark a requested payout paid, with the bank's reference (operators)")
def mark_paid(payout_id: str, body: PaidIn, uow: UnitOfWorkDep, actor: Operator,
              idempotency_key: IdempotencyKey = None) -> Any:
    """The money leaves the exchange: payout-pending to bank clearing."""
    return _once(uow, actor, idempotency_key, f"/v1/payouts/{payout_id}/paid", body,
                 status.HTTP_200_OK,
                 lambda: service.decide_payout(uow, payout_id=payout_id,
                                               outcome=PayoutStatus.PAID,
                                               bank_reference=body.bank_reference,
                                               reason=None, actor=actor))


@router.post("/payouts/{payout_id}/reject", response_model=PayoutOut,
             summary="Reject a requested payout; the money returns (operators)")
def reject(payout_id: str, body: RejectIn, uow: UnitOfWorkDep, actor: Operator,
           idempotency_key: IdempotencyKey = None) -> Any:
    """The money returns to the member's available balance."""
    return _once(uow, actor, idempotency_key, f"/v1/payouts/{payout_id}/reject", body,
                 status.HTTP_200_OK,
                 lambda: service.decide_payout(uow, payout_id=payout_id,
                                               outcome=PayoutStatus.REJECTED,
                                               bank_reference=None, reason=body.reason,
                                               actor=actor))
