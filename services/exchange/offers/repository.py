"""SQL for offers: lookups, search, withdrawal, no rules."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, String, cast, or_, select, update
from sqlalchemy.orm import Session

from services.exchange.assets.tables import Asset
from services.exchange.market.classification import OpenType
from services.exchange.market.statuses import OfferStatus
from services.exchange.offers.tables import Offer


def _not_open_assets() -> Select[str]:
    return select(Asset.id).where(Asset.open_type == OpenType.NOT_OPEN.value)


def offer(session: Session, offer_id: str) -> Offer | None:
    """The offer with ``offer_id``."""
    return session.get(Offer, offer_id)


def withdraw_offers_of_asset(session: Session, asset_id: str, now: datetime) -> list[str]:
    """Withdraw every active offer of an asset; returns their ids."""
    ids = list(session.scalars(
        select(Offer.id).where(Offer.asset_id == asset_id,
                               Offer.status == OfferStatus.ACTIVE.value)
        .order_by(Offer.id)
    ).all())
    if ids:
        session.execute(update(Offer).where(Offer.id.in_(ids))
                        .values(status=OfferStatus.WITHDRAWN.value, withdrawn_at=now))
    return ids


def search(session: Session, *, q: str | None, theme: str | None, plan: str | None,
           provider: str | None, asset_id: str | None, max_price_fen: int | None,
           statuses: Sequence[str], after: str | None, limit: int,
           asset_ids: Sequence[str] | None = None,
           not_open_for: tuple[str | None, Sequence[str]] | None = None) -> Sequence[Offer]:
    """Offers matching the filters, newest first (by id), after a cursor; ``asset_ids``
    keeps only offers on those assets; ``not_open_for`` (an organisation and the assets
    it is authorised to operate) leaves out offers over not-open data but its own and
    those assets'."""
    stmt = select(Offer).where(Offer.status.in_(statuses)).order_by(Offer.id.desc()).limit(limit)
    if not_open_for is not None:
        org, authorised = not_open_for
        stmt = stmt.where(or_(Offer.asset_id.not_in(_not_open_assets()),
                              Offer.provider_org_id == (org or ""),
                              Offer.asset_id.in_(list(authorised))))
    if q:
        for term in q.split():
            pattern = f"%{term}%"
            stmt = stmt.where(or_(Offer.title.ilike(pattern), Offer.description.ilike(pattern)))
    if theme:
        stmt = stmt.where(cast(Offer.themes, String).like(f'%"{theme}"%'))
    if plan:
        stmt = stmt.where(Offer.plan == plan)
    if provider:
        stmt = stmt.where(Offer.provider_org_id == provider)
    if asset_id:
        stmt = stmt.where(Offer.asset_id == asset_id)
    if asset_ids is not None:
        stmt = stmt.where(Offer.asset_id.in_(asset_ids))
    if max_price_fen is not None:
        stmt = stmt.where(Offer.price_fen <= max_price_fen)
    if after:
        stmt = stmt.where(Offer.id < after)
    return session.scalars(stmt).all()


def active_offers(session: Session, *, limit: int) -> Sequence[Offer]:
    """The newest active offers (the pool demands are matched against)."""
    return session.scalars(select(Offer).where(Offer.status == OfferStatus.ACTIVE.value,
                                               Offer.asset_id.not_in(_not_open_assets()))
                           .order_by(Offer.id.desc()).limit(limit)).all()
