"""SQL for assets: lookups and listings, no rules."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.assets.tables import Asset, AssetDataset, AssetUpdate
from services.exchange.market.statuses import AssetUpdateStatus


def asset(session: Session, asset_id: str, *, for_update: bool = False) -> Asset | None:
    """The asset with ``asset_id``, optionally locked."""
    stmt = select(Asset).where(Asset.id == asset_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def assets(session: Session, *, owner: str | None, statuses: Sequence[str] | None,
           after: str | None, limit: int) -> Sequence[Asset]:
    """Assets in id order, filtered by owner and status, after a cursor."""
    stmt = select(Asset).order_by(Asset.id).limit(limit)
    if owner:
        stmt = stmt.where(Asset.owner_org_id == owner)
    if statuses:
        stmt = stmt.where(Asset.status.in_(statuses))
    if after:
        stmt = stmt.where(Asset.id > after)
    return session.scalars(stmt).all()


def ids_pinning(session: Session, dataset_id: str) -> Sequence[str]:
    """The ids of the assets that pin ``dataset_id`` (how a dataset's offers are found)."""
    return session.scalars(select(AssetDataset.asset_id)
                           .where(AssetDataset.dataset_id == dataset_id)).all()


def asset_status(session: Session, asset_id: Any) -> str | None:
    """The status of the asset with ``asset_id`` (None: no such asset)."""
    return session.scalar(select(Asset.status).where(Asset.id == asset_id))


def updates(session: Session, asset_id: str) -> list[AssetUpdate]:
    """The asset's submitted updates, oldest first."""
    return list(session.scalars(select(AssetUpdate).where(AssetUpdate.asset_id == asset_id)
                                .order_by(AssetUpdate.submitted_at, AssetUpdate.id)))


def approved_update_files(session: Session, asset_id: str) -> list[tuple[str, dict[str, Any]]]:
    """``(dataset_id, file)`` of every approved update of the asset."""
    return [(u.dataset_id, f) for u in updates(session, asset_id)
            if u.status == AssetUpdateStatus.APPROVED for f in u.files]
