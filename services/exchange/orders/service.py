"""Order rules before payment: request, compliance approval, accept or reject, cancel,
and what each caller may see.

Ordering fixes the contract: the offer's terms narrowed to the buyer's purpose, the
price quoted (zero under conditional free use of public data), the parties, the rights
and the datasets' pinned hashes. The buyer's acceptance is signed when the order is
placed and the provider's when it accepts; both signed documents are stored and their
hashes recorded in the ledger.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.exchange.assets import repository as assets
from services.exchange.authorisations import service as authorisations
from services.exchange.market.classification import needs_regulator_approval
from services.exchange.market.eligibility import check_may_order
from services.exchange.market.pricing import MeterUnit, quote
from services.exchange.market.public_pricing import (
    PUBLIC_INTEREST,
    PurposeCategory,
    check_order_within_cap,
    free_use_applies,
)
from services.exchange.market.statuses import OrderState
from services.exchange.market.usage_policy import agreement_policy
from services.exchange.offers import repository as offers
from services.exchange.offers.service import price_terms, usage_terms
from services.exchange.orders import repository, signing
from services.exchange.orders.contract import acceptance_document, contract_document
from services.exchange.orders.model import OrderAction, Party, decide
from services.exchange.orders.moves import facts_of, load_order, move
from services.exchange.orders.tables import Contract, ContractAcceptance, Order, OrderMove
from services.exchange.public_pricing import repository as public_pricing
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import canonical_sha256, text_sha256
from services.shared.events import rfc3339
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import Conflict, Forbidden, InvalidInput, NotFound


def place_order(uow: UnitOfWork, *, offer_id: str,
                purpose: str, purpose_category: PurposeCategory, quantity: int | None,
                actor: Principal) -> Order:
    """A buyer's request on an active offer: the contract is fixed and the buyer's
    acceptance signed; the provider has until the request deadline to answer."""
    if actor.org is None:
        raise Forbidden("orders are placed by member organisations", slug="members-only")
    offer = offers.offer(uow.session, offer_id)
    if offer is None:
        raise InvalidInput(f"no offer {offer_id}", slug="unknown-offer")
    usage = usage_terms(offer)
    asset = assets.asset(uow.session, offer.asset_id)
    check_may_order(offer_status=offer.status, provider_org=offer.provider_org_id,
                    buyer_org=actor.org, usage=usage, purpose=purpose_category.value,
                    asset_status=asset.status if asset else None)
    assert asset is not None
    authorisations.check_order_authorised(uow.session, asset, actor.org)
    terms = price_terms(offer)
    now = utcnow()
    if offer.public_data:
        check_order_within_cap(terms, asset.themes, public_pricing.caps(uow.session, asset.themes))
    free = offer.public_data and purpose_category in PUBLIC_INTEREST and free_use_applies(
        public_data=True, category=purpose_category,
        approved=public_pricing.approved_categories(uow.session, actor.org, now))
    priced = quote(terms, quantity=quantity, free_use=free)
    known = repository.parties(uow.session, [offer.provider_org_id, actor.org])
    provider, buyer = known.get(offer.provider_org_id), known.get(actor.org)
    if provider is None or buyer is None:
        raise NotFound("a party of this order is unknown")
    order_id = new_id("ord")
    count = None
    if offer.unit and quantity is not None:
        count = quantity * (1000 if offer.unit == MeterUnit.THOUSAND_ROWS else 1)
    agreement = agreement_policy(order_id=order_id, offer_policy_doc=offer.policy,
                                 assignee_org=buyer.id, terms=usage, term_days=offer.term_days,
                                 purpose=purpose_category.value, count=count)
    document = contract_document(order_id=order_id, offer=offer, asset=asset,
                                 provider=provider, buyer=buyer, quote=priced, purpose=purpose,
                                 purpose_category=purpose_category.value, agreement=agreement,
                                 created_at=rfc3339(now))
    contract_sha256 = canonical_sha256(document)
    order = Order(
        id=order_id, offer_id=offer.id, asset_id=asset.id, buyer_org_id=buyer.id,
        provider_org_id=provider.id, status=OrderState.REQUESTED.value, purpose=purpose,
        purpose_category=purpose_category.value, plan=offer.plan, quantity=quantity,
        term_days=offer.term_days, amount_fen=priced.amount_fen,
        list_amount_fen=priced.list_amount_fen, free_use=priced.free_use,
        needs_regulator_approval=needs_regulator_approval(offer.grade),
        contract_sha256=contract_sha256, rights_granted=list(offer.rights),
        created_by=actor.subject, created_at=now, updated_at=now,
        due_at=now + uow.trading.clock.request_expiry,
    )
    acceptance = uow.trading.signer.sign(acceptance_document(
        order_id=order_id, contract_sha256=contract_sha256, role="buyer",
        party_org_id=buyer.id, actor=actor.subject, accepted_at=rfc3339(now)))
    uow.session.add(order)
    uow.session.flush()
    uow.session.add_all([
        Contract(order_id=order_id, document=document, sha256=contract_sha256),
        ContractAcceptance(order_id=order_id, role="buyer", party_org_id=buyer.id,
                           document=acceptance, accepted_at=now),
    ])
    event = uow.record(type="order.requested", actor=actor.subject, subject=order_id,
                       payload={
                              "order_id": order_id, "offer_id": offer.id, "asset_id": asset.id,
                              "buyer_org_id": buyer.id, "provider_org_id": provider.id,
                              "plan": offer.plan, "quantity": quantity,
                              "amount_fen": priced.amount_fen,
                              "list_amount_fen": priced.list_amount_fen,
                              "free_use": priced.free_use,
                              "purpose_category": purpose_category.value,
                              "purpose_sha256": text_sha256(purpose),
                              "terms_sha256": offer.terms_sha256,
                              "asset_content_sha256": asset.content_sha256,
                              "dataset_hashes": [d.pinned() for d in asset.datasets],
                              "contract_sha256": contract_sha256,
                              "rights_granted": list(offer.rights),
                              "buyer_acceptance_sha256": canonical_sha256(acceptance),
                              "needs_regulator_approval": order.needs_regulator_approval})
    uow.session.add(OrderMove(order_id=order_id, action="request", from_status="none",
                          to_status=OrderState.REQUESTED.value, actor=actor.subject,
                          event_id=event.event_id, at=now))
    return order


def accept_order(uow: UnitOfWork, *, order_id: str,
                 actor: Principal, signature: str | None = None) -> Order:
    """requested → accepted: the contract is concluded and the provider's acceptance
    signed (by the exchange, and by the provider itself once it registered a key); the
    buyer has until the payment deadline to pay."""
    order, party = load_order(uow.session, order_id, actor, for_update=True)
    now = utcnow()
    decide(facts_of(order), OrderAction.ACCEPT, party=party, now=now, clock=uow.trading.clock)
    signed = signing.accept_contract(uow, order, party=party, signature=signature, actor=actor)
    contract = uow.session.get(Contract, order.id)
    assert contract is not None
    acceptance = uow.trading.signer.sign(acceptance_document(
        order_id=order.id, contract_sha256=order.contract_sha256, role="provider",
        party_org_id=order.provider_org_id, actor=actor.subject, accepted_at=rfc3339(now)))
    move(uow, order, OrderAction.ACCEPT, party=party, actor=actor.subject,
         clock=uow.trading.clock, now=now,
         payload={"provider_acceptance_sha256": canonical_sha256(acceptance), **signed})
    contract.concluded_at = now
    uow.session.add(ContractAcceptance(order_id=order.id, role="provider",
                                   party_org_id=order.provider_org_id, document=acceptance,
                                   accepted_at=now))
    return order


def reject_order(uow: UnitOfWork, *, order_id: str,
                 reason: str, actor: Principal) -> Order:
    """requested → rejected by the provider."""
    order, party = load_order(uow.session, order_id, actor, for_update=True)
    move(uow, order, OrderAction.REJECT, party=party, actor=actor.subject,
         clock=uow.trading.clock, now=utcnow(), payload={"reason_sha256": text_sha256(reason)})
    return order


def cancel_order(uow: UnitOfWork, *, order_id: str,
                 actor: Principal) -> Order:
    """requested or accepted → cancelled by the buyer (nothing was paid yet)."""
    order, party = load_order(uow.session, order_id, actor, for_update=True)
    move(uow, order, OrderAction.CANCEL, party=party, actor=actor.subject,
         clock=uow.trading.clock, now=utcnow())
    return order


def decide_compliance(uow: UnitOfWork, *, order_id: str,
                      approve: bool, reason: str, actor: Principal) -> Order:
    """A regulator approves an order over important-grade data (the provider may then
    accept) or refuses it (→ rejected)."""
    order, party = load_order(uow.session, order_id, actor, for_update=True)
    if party is not Party.REGULATOR:
        raise Forbidden("compliance decisions are for regulators", slug="role-required")
    if not order.needs_regulator_approval:
        raise Conflict("this order needs no regulator approval", slug="approval-not-needed")
    if order.regulator_approved_at is not None:
        raise Conflict("this order is already approved", slug="already-approved")
    now = utcnow()
    if not approve:
        move(uow, order, OrderAction.REFUSE, party=party, actor=actor.subject,
             clock=uow.trading.clock, now=now, payload={"reason_sha256": text_sha256(reason)})
        return order
    if order.status != OrderState.REQUESTED:
        raise Conflict(f"the order is {order.status}; only requests are approved",
                       slug="invalid-transition")
    order.regulator_approved_at, order.regulator_approved_by = now, actor.subject
    uow.record(type="order.compliance_approved", actor=actor.subject,
               subject=order.id, payload={"order_id": order.id,
                                             "asset_id": order.asset_id,
                                             "contract_sha256": order.contract_sha256,
                                             "reason_sha256": text_sha256(reason)})
    return order


def get_order(session: Session, order_id: str, actor: Principal) -> Order:
    """An order its parties and regulators may see (404 for anyone else)."""
    order, _ = load_order(session, order_id, actor)
    return order


def history(session: Session, order_id: str) -> Sequence[OrderMove]:
    """The moves of an order, oldest first."""
    return session.scalars(select(OrderMove).where(OrderMove.order_id == order_id)
                           .order_by(OrderMove.id)).all()


def contract_of(session: Session, order_id: str, actor: Principal
                ) -> tuple[Contract, list[ContractAcceptance]]:
    """An order's contract and its signed acceptances (parties and regulators)."""
    load_order(session, order_id, actor)
    contract = session.get(Contract, order_id)
    assert contract is not None
    acceptances = session.scalars(select(ContractAcceptance)
                                  .where(ContractAcceptance.order_id == order_id)
                                  .order_by(ContractAcceptance.accepted_at)).all()
    return contract, list(acceptances)


def list_orders(session: Session, actor: Principal, *, role: str | None, status: str | None,
                after: str | None, limit: int) -> Sequence[Order]:
    """Orders the caller may see, newest first: its organisation's as buyer or provider;
    every order for regulators."""
    stmt = select(Order).order_by(Order.id.desc()).limit(limit)
    if actor.has_role("regulator"):
        if role:
            raise InvalidInput("role filters the caller's own orders; regulators see all",
                               slug="invalid-filter")
    elif actor.org is None:
        raise Forbidden("orders are listed for member organisations", slug="members-only")
    elif role == "buyer":
        stmt = stmt.where(Order.buyer_org_id == actor.org)
    elif role == "provider":
        stmt = stmt.where(Order.provider_org_id == actor.org)
    else:
        stmt = stmt.where(or_(Order.buyer_org_id == actor.org,
                              Order.provider_org_id == actor.org))
    if status:
        stmt = stmt.where(Order.status == status)
    if after:
        stmt = stmt.where(Order.id < after)
    return session.scalars(stmt).all()
