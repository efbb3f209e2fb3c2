"""SQL for orders: the parties' names and codes, and the terms fixed in a contract."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.identity.tables import Organization
from services.exchange.orders.tables import Contract, Order


@dataclass(frozen=True)
class PartyRecord:
    """An organisation as a contract names it."""

    id: str
    name: str
    credit_code: str


def parties(session: Session, org_ids: list[str]) -> dict[str, PartyRecord]:
    """The named organisations' ids, names and credit codes (one query)."""
    rows = session.execute(select(Organization.id, Organization.name, Organization.credit_code)
                           .where(Organization.id.in_(org_ids))).all()
    return {r.id: PartyRecord(r.id, r.name, r.credit_code) for r in rows}


@dataclass(frozen=True)
class ContractTerms:
    """What payment and settlement need from an order's contract."""

    dataset_ids: list[str]
    dataset_hashes: list[dict[str, Any]]
    content_sha256: str
    unit: str | None
    includes_updates: bool = False


def contract_terms(session: Session, order: Order) -> ContractTerms:
    """The datasets, their pinned hashes and the metering unit the contract fixed."""
    document = session.scalar(select(Contract.document).where(Contract.order_id == order.id))
    assert document is not None, f"order {order.id} has no contract"
    hashes = list(document["asset"]["dataset_hashes"])
    return ContractTerms(dataset_ids=[h["dataset_id"] for h in hashes], dataset_hashes=hashes,
                         content_sha256=document["asset"]["content_sha256"],
                         unit=document["price"]["unit"],
                         includes_updates=bool(document.get("includes_updates")))


def order_status(session: Session, order_id: Any) -> str | None:
    """The status of the order with ``order_id`` (None: no such order)."""
    return session.scalar(select(Order.status).where(Order.id == order_id))
