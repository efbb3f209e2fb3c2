"""Order rules from payment on: escrow and grant, delivery, settlement with the fee and
a voucher, refunds, and the exchange's own moves (expiry, settlement after the window).

Locks are always taken in the same order: the order row first, then account rows in
key order (inside :func:`services.exchange.money.service.post`). Each call runs inside
the caller's single transaction, so money, order state, grant, voucher and ledger
events commit together or not at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from services.exchange.fees import service as fees
from services.exchange.grants import service as grants
from services.exchange.grants.service import GrantToken
from services.exchange.grants.tables import AccessGrant
from services.exchange.market.statuses import OrderState
from services.exchange.money import model as money
from services.exchange.money.service import new_entry_id, post, postings_payload
from services.exchange.orders import signing
from services.exchange.orders.model import TRANSITIONS, OrderAction, Party, decide
from services.exchange.orders.moves import facts_of, load_order, move
from services.exchange.orders.repository import contract_terms
from services.exchange.orders.tables import Order
from services.exchange.unit_of_work import UnitOfWork
from services.exchange.vouchers import service as vouchers
from services.shared.auth import Principal
from services.shared.events import EventRecord, rfc3339
from services.shared.orm import utcnow
from services.shared.problems import Conflict, Forbidden, InvalidInput

SYSTEM_ACTOR = "system"


def pay_order(uow: UnitOfWork, *, order_id: str,
              actor: Principal, signature: str | None = None) -> Order:
    """accepted → paid: the price moves from the buyer's available money to escrow (409
    when it does not suffice) and an access grant is issued for the contract's term."""
    order, party = load_order(uow.session, order_id, actor, for_update=True)
    now = utcnow()
    decide(facts_of(order), OrderAction.PAY, party=party, now=now, clock=uow.trading.clock)
    signed = signing.accept_contract(uow, order, party=party, signature=signature, actor=actor)
    contract = contract_terms(uow.session, order)
    entry = money.escrow_payment(order.buyer_org_id, order.amount_fen) \
        if order.amount_fen > 0 else None
    entry_id = new_entry_id() if entry else None
    grant = grants.issue_grant(uow.session, order, contract.dataset_ids, unit=contract.unit,
                               now=now)
    move(uow, order, OrderAction.PAY, party=party, actor=actor.subject,
         clock=uow.trading.clock, now=now,
         payload={"amount_fen": order.amount_fen, "journal_entry_id": entry_id,
                  "postings": postings_payload(entry) if entry else [], "grant_id": grant.id,
                  **signed})
    uow.record(type="grant.issued", actor=actor.subject, subject=grant.id,
               payload={"grant_id": grant.id, "order_id": order.id,
                           "buyer_org_id": order.buyer_org_id, "dataset_ids": grant.dataset_ids,
                           "dataset_hashes": contract.dataset_hashes,
                           "expires_at": rfc3339(grant.expires_at), "unit": grant.unit,
                           "quota": grant.quota, "contract_sha256": order.contract_sha256})
    if entry is not None:
        post(uow.session, entry, actor=actor.subject, order_id=order.id, entry_id=entry_id)
    return order


def deliver_grant(uow: UnitOfWork, *, order_id: str,
                  actor: Principal) -> tuple[GrantToken, AccessGrant]:
    """A fresh grant token for the buyer; the first one marks the order delivered."""
    order, party = load_order(uow.session, order_id, actor, for_update=True)
    if party is not Party.BUYER:
        raise Forbidden("only the buyer receives the grant", slug="buyer-only")
    grant = grants.grant_of_order(uow.session, order.id)
    if grant is None:
        raise Conflict(f"the order is {order.status}; a grant exists once it is paid",
                       slug="not-paid", state=order.status)
    now = utcnow()
    token = grants.mint_token(uow.trading, grant, now)
    if order.status == OrderState.PAID:
        move(uow, order, OrderAction.DELIVER, party=party, actor=actor.subject,
             clock=uow.trading.clock, now=now, payload={"grant_id": grant.id})
    return token, grant


def confirm_order(uow: UnitOfWork, *, order_id: str,
                  actor: Principal, signature: str | None = None) -> Order:
    """The buyer accepts delivery (signing it once its organisation registered a key):
    settled, the provider paid less the fee, a voucher."""
    order, party = load_order(uow.session, order_id, actor, for_update=True)
    now = utcnow()
    decide(facts_of(order), OrderAction.CONFIRM, party=party, now=now, clock=uow.trading.clock)
    signed = signing.confirm_delivery(uow, order, party=party, signature=signature, actor=actor)
    release_escrow(uow, order, OrderAction.CONFIRM, party=party,
                   actor=actor.subject, refund_fen=0, now=now, payload=signed)
    return order


def release_escrow(uow: UnitOfWork, order: Order,
                   action: OrderAction, *, party: Party, actor: str, refund_fen: int,
                   now: datetime, payload: dict[str, Any] | None = None) -> EventRecord:
    """Settle or refund a locked order: refund ``refund_fen`` to the buyer, pay the rest
    to the provider less the fee, issue the voucher (settled) or revoke the grant (fully
    refunded). The move's ledger event carries the postings and amounts."""
    decide(facts_of(order), action, party=party, now=now, clock=uow.trading.clock)
    shares = money.Split(refund_fen=0, provider_fen=0, fee_fen=0)
    fee_bps = fees.fee_in_effect(uow.session, now, uow.trading.fee_bps)
    entry = None
    if order.amount_fen > 0:
        entry, shares = money.release(order.buyer_org_id, order.provider_org_id,
                                      order.amount_fen, refund_fen=refund_fen,
                                      fee_bps=fee_bps)
    elif refund_fen:
        raise InvalidInput("nothing was paid for this order, so nothing can be refunded",
                           slug="invalid-refund")
    entry_id = new_entry_id() if entry else None
    order.refunded_fen, order.fee_fen = shares.refund_fen, shares.fee_fen
    order.provider_net_fen = shares.provider_fen
    target = TRANSITIONS[action].target
    voucher_id = vouchers.new_voucher_id() if target is OrderState.SETTLED else None
    event = move(uow, order, action, party=party, actor=actor, clock=uow.trading.clock,
                 now=now, payload={"amount_fen": order.amount_fen,
                                   "refunded_fen": shares.refund_fen,
                                   "fee_fen": shares.fee_fen, "fee_bps": fee_bps,
                                   "provider_net_fen": shares.provider_fen,
                                   "voucher_id": voucher_id, "journal_entry_id": entry_id,
                                   "postings": postings_payload(entry) if entry else [],
                                   **(payload or {})})
    if voucher_id is not None:
        content_sha256 = contract_terms(uow.session, order).content_sha256
        vouchers.issue_voucher(uow.session, uow.trading, order, voucher_id=voucher_id,
                               asset_content_sha256=content_sha256,
                               settlement_event_id=event.event_id, now=now)
    if target is OrderState.REFUNDED:
        grant = grants.grant_of_order(uow.session, order.id, for_update=True)
        if grant is not None:
            grants.revoke(uow, grant, reason="refunded", actor=actor, now=now)
    if entry is not None:
        # Last: the provider's account row stays locked only until the commit.
        post(uow.session, entry, actor=actor, order_id=order.id, entry_id=entry_id)
    return event


def expire_order(uow: UnitOfWork, order: Order,
                 now: datetime) -> None:
    """A request nobody answered, or an accepted order nobody paid, past its deadline."""
    move(uow, order, OrderAction.EXPIRE, party=Party.SYSTEM, actor=SYSTEM_ACTOR,
         clock=uow.trading.clock, now=now)


def settle_after_window(uow: UnitOfWork, order: Order,
                        now: datetime) -> None:
    """A paid or delivered order that nobody disputed within the acceptance window."""
    release_escrow(uow, order, OrderAction.AUTO_SETTLE,
                   party=Party.SYSTEM, actor=SYSTEM_ACTOR, refund_fen=0, now=now)
