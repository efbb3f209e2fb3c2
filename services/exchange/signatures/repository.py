"""SQL over organisation keys and received party signatures."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.market.statuses import PartyKeyStatus
from services.exchange.signatures.tables import OrganizationKey, PartySignature


def keys_of(session: Session, org_id: str) -> Sequence[OrganizationKey]:
    """Every key of an organisation, newest first."""
    return session.scalars(select(OrganizationKey).where(OrganizationKey.org_id == org_id)
                           .order_by(OrganizationKey.valid_from.desc())).all()


def active_key(session: Session, org_id: str, *, for_update: bool = False
               ) -> OrganizationKey | None:
    """The organisation's active key, if it registered one."""
    stmt = select(OrganizationKey).where(OrganizationKey.org_id == org_id,
                                         OrganizationKey.status == PartyKeyStatus.ACTIVE.value)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def key(session: Session, kid: str) -> OrganizationKey | None:
    """One key by id."""
    return session.get(OrganizationKey, kid)


def signatures_of(session: Session, subject: str) -> Sequence[PartySignature]:
    """The party signatures received about one subject (an order id), oldest first."""
    return session.scalars(select(PartySignature).where(PartySignature.subject == subject)
                           .order_by(PartySignature.signed_at, PartySignature.id)).all()
