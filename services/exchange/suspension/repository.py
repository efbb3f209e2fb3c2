"""SQL for suspension: an organisation's live grants and its offers, no rules."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from services.exchange.grants.tables import AccessGrant
from services.exchange.market.statuses import OfferStatus
from services.exchange.offers.tables import Offer
from services.shared.schemas.grants import GrantStatus


def live_grants_of_buyer(session: Session, org_id: str) -> Sequence[AccessGrant]:
    """The organisation's grants as a buyer not yet revoked (locked, in id order)."""
    return session.scalars(
        select(AccessGrant).where(AccessGrant.buyer_org_id == org_id,
                                  AccessGrant.revoked_at.is_(None),
                                  AccessGrant.status == GrantStatus.ACTIVE.value)
        .order_by(AccessGrant.id).with_for_update()
    ).all()


def move_offers(session: Session, org_id: str, *, from_status: OfferStatus,
                to_status: OfferStatus) -> list[str]:
    """Move a provider's offers from one status to another; the ids moved."""
    ids = list(session.scalars(
        select(Offer.id).where(Offer.provider_org_id == org_id,
                               Offer.status == from_status.value).order_by(Offer.id)).all())
    if ids:
        session.execute(update(Offer).where(Offer.id.in_(ids)).values(status=to_status.value))
    return ids
