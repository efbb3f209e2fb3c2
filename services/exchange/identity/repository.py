"""SQL for identity: lookups and inserts, no rules."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.identity.tables import ApiKey, Organization, ServiceClient, User


def organization(session: Session, org_id: str, *, for_update: bool = False) -> Organization | None:
    """The organisation with ``org_id``, optionally locked for update."""
    stmt = select(Organization).where(Organization.id == org_id)
    if for_update:
        stmt = stmt.with_for_update()
    return session.scalars(stmt).first()


def active_organization_by_credit_code(
    session: Session, credit_code: str
) -> Organization | None:
    """The active organisation that holds ``credit_code`` (at most one does)."""
    return session.scalars(
        select(Organization).where(Organization.credit_code == credit_code,
                                   Organization.status == "active")
    ).first()


def organizations(
    session: Session, *, status: str | None, after: str | None, limit: int
) -> Sequence[Organization]:
    """Organisations in id order, optionally by status, after a cursor."""
    stmt = select(Organization).order_by(Organization.id).limit(limit)
    if status:
        stmt = stmt.where(Organization.status == status)
    if after:
        stmt = stmt.where(Organization.id > after)
    return session.scalars(stmt).all()


def user(session: Session, user_id: str) -> User | None:
    """The user with ``user_id``."""
    return session.get(User, user_id)


def user_by_username(session: Session, username: str) -> User | None:
    """The user who signs in as ``username``."""
    return session.scalars(select(User).where(User.username == username)).first()


def api_key(session: Session, client_id: str) -> ApiKey | None:
    """The API key with this client id."""
    return session.get(ApiKey, client_id)


def api_keys_of(session: Session, org_id: str) -> Sequence[ApiKey]:
    """An organisation's API keys, newest first."""
    return session.scalars(
        select(ApiKey).where(ApiKey.org_id == org_id).order_by(ApiKey.id.desc())
    ).all()


def service_client(session: Session, client_id: str) -> ServiceClient | None:
    """The service client with this id."""
    return session.get(ServiceClient, client_id)
