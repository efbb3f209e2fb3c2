"""Reading authorisations."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from services.exchange.assets.tables import Asset
from services.exchange.authorisations.tables import OperatingAuthorisation


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
