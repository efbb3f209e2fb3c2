"""Reading authorisations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.exchange.assets.tables import Asset
from services.exchange.authorisations.tables import OperatingAuthorisation
from services.exchange.market.statuses import AuthorisationStatus


def authorisation(session: Session, authorisation_id: str, *,
                  for_update: bool = False) -> OperatingAuthorisation | None:
    """One authorisation by id."""
    stmt = select(OperatingAuthorisation).where(OperatingAuthorisation.id == authorisation_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def of_asset(session: Session, asset_id: str) -> Sequence[OperatingAuthorisation]:
    """Every authorisation over an asset."""
    return session.scalars(select(OperatingAuthorisation)
                           .where(OperatingAuthorisation.asset_id == asset_id)).all()


def listing(session: Session, *, org: str | None, asset_id: str | None,
            status: str | None, limit: int) -> Sequence[OperatingAuthorisation]:
    """Authorisations newest first; ``org``: only those naming it as operator or over
    its assets."""
    stmt = select(OperatingAuthorisation)
    if org is not None:
        owned = select(Asset.id).where(Asset.owner_org_id == org)
        stmt = stmt.where(or_(OperatingAuthorisation.operator_org_id == org,
                              OperatingAuthorisation.asset_id.in_(owned)))
    if asset_id is not None:
        stmt = stmt.where(OperatingAuthorisation.asset_id == asset_id)
    if status is not None:
        stmt = stmt.where(OperatingAuthorisation.status == status)
    stmt = stmt.order_by(OperatingAuthorisation.starts_at.desc(),
                         OperatingAuthorisation.id.desc()).limit(limit)
    return session.scalars(stmt).all()


def assets_in_force(session: Session, org: str, now: datetime) -> list[str]:
    """The assets ``org`` holds an active authorisation over at ``now``."""
    return list(session.scalars(
        select(OperatingAuthorisation.asset_id).where(
            OperatingAuthorisation.operator_org_id == org,
            OperatingAuthorisation.status == AuthorisationStatus.ACTIVE.value,
            OperatingAuthorisation.starts_at <= now, OperatingAuthorisation.expires_at > now)
    ).all())
