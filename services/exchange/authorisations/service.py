"""Authorised operation of public data (公共数据授权运营): a regulator authorises a named
operator organisation to trade a not-open asset for a stated scenario, within a term,
and may revoke it; orders over not-open data check it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from services.exchange.assets import repository as assets
from services.exchange.assets.tables import Asset
from services.exchange.authorisations import repository
from services.exchange.authorisations.schemas import AuthorisationCreate
from services.exchange.authorisations.tables import OperatingAuthorisation
from services.exchange.identity import repository as identity
from services.exchange.market.authorised_operation import (
    Authorisation,
    check_authorisable,
    check_may_order_not_open,
    check_revocable_authorisation,
)
from services.exchange.market.statuses import AuthorisationStatus, OrganizationStatus
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import text_sha256
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import InvalidInput, NotFound


def rule_view(row: OperatingAuthorisation) -> Authorisation:
    """The row as the pure rules take it."""
    return Authorisation(operator_org_id=row.operator_org_id, status=row.status,
                         starts_at=row.starts_at, expires_at=row.expires_at)


def in_force(row: OperatingAuthorisation, now: datetime | None = None) -> bool:
    """Active and within its term."""
    return rule_view(row).in_force(now or utcnow())


def authorise(uow: UnitOfWork, *, body: AuthorisationCreate,
              actor: Principal) -> OperatingAuthorisation:
    """A regulator authorises an operator organisation over a registered not-open asset
    for a stated scenario and term (``authorisation.granted``)."""
    asset = assets.asset(uow.session, body.asset_id)
    if asset is None:
        raise InvalidInput(f"asset_id: no asset {body.asset_id}", slug="unknown-asset")
    operator = identity.organization(uow.session, body.operator_org_id)
    if operator is None or operator.status != OrganizationStatus.ACTIVE:
        raise InvalidInput(f"operator_org_id: no active organisation {body.operator_org_id}",
                           slug="unknown-organisation")
    check_authorisable(open_type=asset.open_type, asset_status=asset.status,
                       owner_org=asset.owner_org_id, operator_org=operator.id,
                       term_days=body.term_days)
    now = utcnow()
    row = OperatingAuthorisation(
        id=new_id("auz"), asset_id=asset.id, operator_org_id=operator.id,
        scenario=body.scenario, status=AuthorisationStatus.ACTIVE.value, starts_at=now,
        expires_at=now + timedelta(days=body.term_days), granted_by=actor.subject)
    uow.session.add(row)
    uow.session.flush()
    uow.record(type="authorisation.granted", actor=actor.subject, subject=row.id,
               payload={"authorisation_id": row.id, "asset_id": asset.id,
                        "owner_org_id": asset.owner_org_id, "operator_org_id": operator.id,
                        "scenario_sha256": text_sha256(body.scenario),
                        "term_days": body.term_days})
    return row


def revoke(uow: UnitOfWork, *, authorisation_id: str, reason: str,
           actor: Principal) -> OperatingAuthorisation:
    """active → revoked, by a regulator, with a reason (``authorisation.revoked``); the
    operator can no longer order the data."""
    row = repository.authorisation(uow.session, authorisation_id, for_update=True)
    if row is None:
        raise NotFound(f"no authorisation {authorisation_id}")
    check_revocable_authorisation(row.status)
    row.status = AuthorisationStatus.REVOKED.value
    row.revoked_at, row.revoked_by, row.revoke_reason = utcnow(), actor.subject, reason
    uow.record(type="authorisation.revoked", actor=actor.subject, subject=row.id,
               payload={"authorisation_id": row.id, "asset_id": row.asset_id,
                        "operator_org_id": row.operator_org_id,
                        "reason_sha256": text_sha256(reason)})
    return row


def visible(session: Session, authorisation_id: str,
            viewer: Principal) -> OperatingAuthorisation:
    """One authorisation: regulators and operators see all; an organisation those that
    name it or cover its assets (404 otherwise)."""
    row = repository.authorisation(session, authorisation_id)
    if row is None or not (_sees_all(viewer) or viewer.org == row.operator_org_id
                           or _owns(session, row.asset_id, viewer.org)):
        raise NotFound(f"no authorisation {authorisation_id}")
    return row


def list_authorisations(session: Session, viewer: Principal, *, asset_id: str | None,
                        status: str | None, limit: int) -> Sequence[OperatingAuthorisation]:
    """Regulators and operators: all; members: theirs (as operator or data holder)."""
    org = None if _sees_all(viewer) else (viewer.org or "")
    return repository.listing(session, org=org, asset_id=asset_id, status=status,
                              limit=limit)


def check_order_authorised(session: Session, asset: Asset, buyer_org: str) -> None:
    """Refuse (403) an order over not-open data by an organisation without an
    authorisation in force over it."""
    check_may_order_not_open(
        open_type=asset.open_type, buyer_org=buyer_org,
        authorisations=[rule_view(r) for r in repository.of_asset(session, asset.id)],
        now=utcnow())


def not_open_scope(session: Session,
                   viewer: Principal | None) -> tuple[str | None, list[str]] | None:
    """Which offers over not-open data a viewer may find: all for regulators and
    operators (None), else its own organisation's and those it is authorised to
    operate."""
    if viewer is not None and _sees_all(viewer):
        return None
    org = viewer.org if viewer else None
    return org, repository.assets_in_force(session, org, utcnow()) if org else []


def _sees_all(viewer: Principal) -> bool:
    return viewer.has_role("regulator", "operator")


def _owns(session: Session, asset_id: str, org: str | None) -> bool:
    asset = assets.asset(session, asset_id)
    return asset is not None and org is not None and asset.owner_org_id == org
