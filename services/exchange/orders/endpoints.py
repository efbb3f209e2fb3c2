"""Order routes: place, answer, pay, fetch the grant, confirm, cancel; contract, voucher."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Header, Query, status

from services.exchange.idempotency.service import Answer, run_once
from services.exchange.market.statuses import OrderState
from services.exchange.orders import service, settlement
from services.exchange.orders.model import TRANSITIONS, OrderAction, Party, allowed_actions
from services.exchange.orders.moves import party_of
from services.exchange.orders.schemas import (
    ComplianceDecision,
    ContractOut,
    GrantOut,
    MoveOut,
    OrderCreate,
    OrderDetail,
    OrderOut,
    OrderPage,
    Reason,
)
from services.exchange.signatures import service as signatures
from services.exchange.signatures.schemas import Signed
from services.exchange.trading.context import TradingDep
from services.exchange.unit_of_work import UnitOfWorkDep, WriteUnitOfWorkDep
from services.exchange.vouchers import service as vouchers
from services.shared.app import SessionDep, WriteSessionDep
from services.shared.auth import Buyer, CurrentPrincipal, Principal, Provider, Regulator
from services.shared.problems import PROBLEM_JSON, Conflict

if TYPE_CHECKING:  # endpoints never touch tables; converters only name the row type
    from services.exchange.orders.tables import Order

router = APIRouter(tags=["orders"])

IdempotencyKey = Annotated[str, Header(
    alias="Idempotency-Key", min_length=1, max_length=200,
    description="required: a retry with the same key and body replays the first answer; "
                "the same key with another body is a 409")]

_PROBLEMS: dict[int | str, dict[str, Any]] = {
    code: {"description": text, "content": {PROBLEM_JSON: {}}}
    for code, text in (
        (401, "no or a bad bearer token"),
        (403, "the caller's role may never do this"),
        (404, "no such order, or one the caller is not party to"),
        (409, "not allowed in the order's current state, or a reused idempotency key"),
        (422, "invalid input"),
    )
}


def order_out(order: Order, viewer: Principal) -> OrderOut:
    """The API form of an order, with what the viewer may do next."""
    party = party_of(order, viewer)
    state = OrderState(order.status)
    actions = [a.value for a in allowed_actions(state)
               if party is not None and party in TRANSITIONS[a].parties
               and a is not OrderAction.DELIVER]
    if party is Party.BUYER and state in (OrderState.PAID, OrderState.DELIVERED):
        actions.append("grant")
    return OrderOut(
        id=order.id, status=state, offer_id=order.offer_id, asset_id=order.asset_id,
        buyer_org_id=order.buyer_org_id, provider_org_id=order.provider_org_id,
        plan=order.plan, quantity=order.quantity, term_days=order.term_days,
        purpose=order.purpose, purpose_category=order.purpose_category,
        amount_fen=order.amount_fen, list_amount_fen=order.list_amount_fen,
        free_use=order.free_use, fee_fen=order.fee_fen, provider_net_fen=order.provider_net_fen,
        refunded_fen=order.refunded_fen, needs_regulator_approval=order.needs_regulator_approval,
        regulator_approved_at=order.regulator_approved_at,
        contract_sha256=order.contract_sha256, rights_granted=order.rights_granted,
        created_at=order.created_at,
        accepted_at=order.accepted_at, paid_at=order.paid_at, delivered_at=order.delivered_at,
        closed_at=order.closed_at, due_at=order.due_at, next_actions=actions,
    )


@router.post("/orders", status_code=status.HTTP_201_CREATED, response_model=OrderOut,
             responses=_PROBLEMS, summary="Order an offer (buyers; Idempotency-Key required)")
def create_order(body: OrderCreate, uow: UnitOfWorkDep, actor: Buyer,
                 idempotency_key: IdempotencyKey) -> Any:
    """→ requested. The contract is fixed now and the buyer's acceptance signed."""
    def run() -> Answer:
        order = service.place_order(uow, offer_id=body.offer_id,
                                    purpose=body.purpose,
                                    purpose_category=body.purpose_category,
                                    quantity=body.quantity, actor=actor)
        return Answer(status.HTTP_201_CREATED, order_out(order, actor).model_dump(mode="json"))

    return run_once(uow.session, principal=actor, key=idempotency_key, method="POST",
                    path="/v1/orders", body=body.model_dump(mode="json"), run=run)


@router.get("/orders", response_model=OrderPage, responses=_PROBLEMS,
            summary="Orders the caller is party to (all for regulators)")
def list_orders(
    session: SessionDep, actor: CurrentPrincipal,
    role: Annotated[str | None, Query(pattern="^(buyer|provider)$")] = None,
    status_: Annotated[OrderState | None, Query(alias="status")] = None,
    cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> OrderPage:
    """Newest first; pass ``next_cursor`` back as ``cursor``."""
    items = service.list_orders(session, actor, role=role,
                                status=status_.value if status_ else None, after=cursor,
                                limit=limit)
    return OrderPage(items=[order_out(o, actor) for o in items],
                     next_cursor=items[-1].id if len(items) == limit else None)


@router.get("/orders/{order_id}", response_model=OrderDetail, responses=_PROBLEMS,
            summary="One order with its history (its parties, regulators)")
def get_order(order_id: str, session: SessionDep, actor: CurrentPrincipal) -> OrderDetail:
    """Others get 404."""
    order = service.get_order(session, order_id, actor)
    moves = [MoveOut.model_validate(m) for m in service.history(session, order.id)]
    return OrderDetail(**order_out(order, actor).model_dump(), history=moves)


@router.post("/orders/{order_id}/accept", response_model=OrderOut, responses=_PROBLEMS,
             summary="Accept a request (the offer's provider)")
def accept(order_id: str, uow: UnitOfWorkDep, actor: Provider,
           body: Signed | None = None) -> OrderOut:
    """requested → accepted; the contract is concluded and the acceptance signed. Once
    the provider registered a key, ``signature`` must sign its acceptance statement
    (``dataex.acceptance_statement``: order_id, contract_sha256, role, org_id)."""
    return order_out(service.accept_order(uow, order_id=order_id, actor=actor,
                                          signature=body.signature if body else None), actor)


@router.post("/orders/{order_id}/reject", response_model=OrderOut, responses=_PROBLEMS,
             summary="Reject a request (the offer's provider)")
def reject(order_id: str, uow: UnitOfWorkDep, actor: Provider,
           body: Reason | None = None) -> OrderOut:
    """requested → rejected."""
    return order_out(service.reject_order(uow, order_id=order_id,
                                          reason=body.reason if body else "", actor=actor),
                     actor)


@router.post("/orders/{order_id}/cancel", response_model=OrderOut, responses=_PROBLEMS,
             summary="Cancel before paying (the buyer)")
def cancel(order_id: str, uow: UnitOfWorkDep, actor: Buyer) -> OrderOut:
    """requested or accepted → cancelled."""
    return order_out(service.cancel_order(uow, order_id=order_id,
                                          actor=actor), actor)


@router.post("/orders/{order_id}/compliance", response_model=OrderOut, responses=_PROBLEMS,
             summary="Approve or refuse an order over important-grade data (regulators)")
def compliance(order_id: str, body: ComplianceDecision, uow: UnitOfWorkDep,
               actor: Regulator) -> OrderOut:
    """Approval lets the provider accept; refusal → rejected."""
    return order_out(service.decide_compliance(uow, order_id=order_id,
                                               approve=body.approve, reason=body.reason,
                                               actor=actor), actor)


@router.post("/orders/{order_id}/pay", response_model=OrderOut, responses=_PROBLEMS,
             summary="Pay into escrow (the buyer; Idempotency-Key required)")
def pay(order_id: str, uow: UnitOfWorkDep, actor: Buyer, idempotency_key: IdempotencyKey,
        body: Signed | None = None) -> Any:
    """accepted → paid: the price moves to escrow and an access grant is issued. A retry
    with the same key replays the answer and never charges twice. Once the buyer
    registered a key, ``signature`` must sign its acceptance statement."""
    def run() -> Answer:
        order = settlement.pay_order(uow, order_id=order_id, actor=actor,
                                     signature=body.signature if body else None)
        return Answer(status.HTTP_200_OK, order_out(order, actor).model_dump(mode="json"))

    signed = body.model_dump(mode="json") if body and body.signature else None
    return run_once(uow.session, principal=actor, key=idempotency_key, method="POST",
                    path=f"/v1/orders/{order_id}/pay", body=signed, run=run)


@router.get("/orders/{order_id}/grant", response_model=GrantOut, responses=_PROBLEMS,
            summary="A grant token for the catalog (the buyer)")
def grant(order_id: str, uow: WriteUnitOfWorkDep, actor: Buyer) -> GrantOut:
    """A fresh short-lived token while the grant is active; the first fetch marks the
    order delivered."""
    token, found = settlement.deliver_grant(uow, order_id=order_id,
                                            actor=actor)
    return GrantOut(grant_id=found.id, token=token.token, expires_at=token.expires_at,
                    grant_expires_at=found.expires_at, dataset_ids=found.dataset_ids,
                    unit=found.unit, quota=found.quota, used_calls=found.used_calls,
                    used_rows=found.used_rows, rights_granted=found.rights_granted)


@router.post("/orders/{order_id}/confirm", response_model=OrderOut, responses=_PROBLEMS,
             summary="Accept delivery (the buyer)")
def confirm(order_id: str, uow: UnitOfWorkDep, actor: Buyer,
            body: Signed | None = None) -> OrderOut:
    """paid or delivered → settled: the provider is paid less the fee; a voucher is
    issued. Once the buyer registered a key, ``signature`` must sign its confirmation
    statement (``dataex.confirmation_statement``)."""
    return order_out(settlement.confirm_order(uow, order_id=order_id, actor=actor,
                                              signature=body.signature if body else None),
                     actor)


@router.get("/orders/{order_id}/contract", response_model=ContractOut, responses=_PROBLEMS,
            summary="The contract and the signed acceptances (parties, regulators)")
def contract(order_id: str, session: SessionDep, actor: CurrentPrincipal) -> ContractOut:
    """The document whose SHA-256 over canonical JSON is the order's contract_sha256."""
    found, acceptances = service.contract_of(session, order_id, actor)
    return ContractOut(order_id=order_id, sha256=found.sha256, concluded_at=found.concluded_at,
                       document=found.document, acceptances=[a.document for a in acceptances],
                       party_signatures=[s.document
                                         for s in signatures.signatures_of(session, order_id)])


@router.get("/orders/{order_id}/voucher", responses=_PROBLEMS,
            summary="The signed trade voucher of a settled order (parties, regulators)")
def voucher(order_id: str, session: WriteSessionDep, trading: TradingDep,
            actor: CurrentPrincipal) -> dict[str, Any]:
    """Verifiable offline with the exchange's keys; ``ledger.seq`` appears once the
    settlement entry is in the ledger."""
    order = service.get_order(session, order_id, actor)
    found = vouchers.voucher_of_order(session, order.id)
    if found is None:
        raise Conflict(f"the order is {order.status}; vouchers are issued at settlement",
                       slug="not-settled", state=order.status)
    return vouchers.with_ledger_position(session, trading, found).document
