"""The parties' own signatures on an order: the provider's acceptance when it accepts,
the buyer's acceptance when it pays, the buyer's confirmation when it confirms delivery
(each required once the party's organisation has registered a key)."""

from __future__ import annotations

from services.exchange.orders.model import Party
from services.exchange.orders.tables import Order
from services.exchange.signatures import service as signatures
from services.exchange.signatures.model import acceptance_statement, confirmation_statement
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal


def _org_of(order: Order, party: Party) -> str | None:
    return {Party.BUYER: order.buyer_org_id, Party.PROVIDER: order.provider_org_id}.get(party)


def accept_contract(uow: UnitOfWork, order: Order, *, party: Party, signature: str | None,
                    actor: Principal) -> dict[str, str]:
    """Check the party's signature over its acceptance of the order's contract; the
    payload fields that name it in the ledger (none when no signature was needed)."""
    org_id = _org_of(order, party)
    if org_id is None:
        return {}
    received = signatures.receive_signature(
        uow, org_id=org_id, role=party.value, actor=actor, signature=signature,
        statement=acceptance_statement(order_id=order.id, contract_sha256=order.contract_sha256,
                                       role=party.value, org_id=org_id))
    return {f"{party.value}_signature_id": received.id} if received else {}


def confirm_delivery(uow: UnitOfWork, order: Order, *, party: Party, signature: str | None,
                     actor: Principal) -> dict[str, str]:
    """Check the buyer's signature over its confirmation of delivery; the payload fields
    that name it in the ledger."""
    if party is not Party.BUYER:
        return {}
    received = signatures.receive_signature(
        uow, org_id=order.buyer_org_id, role=party.value, actor=actor, signature=signature,
        statement=confirmation_statement(order_id=order.id,
                                         contract_sha256=order.contract_sha256,
                                         org_id=order.buyer_org_id))
    return {"buyer_signature_id": received.id} if received else {}
