"""SQL for price caps and public-interest approvals."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from services.exchange.market.pricing import Plan
from services.exchange.market.public_pricing import PurposeCategory
from services.exchange.public_pricing.tables import PriceCap, PublicInterestApproval


def caps(session: Session, themes: Sequence[str] | None = None) -> dict[tuple[str, Plan], int]:
    """Price caps by (theme, plan), for ``themes`` or all."""
    stmt = select(PriceCap)
    if themes is not None:
        if not themes:
            return {}
        stmt = stmt.where(PriceCap.theme.in_(list(themes)))
    return {(c.theme, Plan(c.plan)): c.max_price_fen for c in session.scalars(stmt)}


def cap(session: Session, theme: str, plan: str) -> PriceCap | None:
    """One cap."""
    return session.get(PriceCap, (theme, plan))


def all_caps(session: Session) -> Sequence[PriceCap]:
    """Every cap, by theme and plan."""
    return session.scalars(select(PriceCap).order_by(PriceCap.theme, PriceCap.plan)).all()


def approvals(session: Session, org_id: str | None) -> Sequence[PublicInterestApproval]:
    """Approvals, newest first, of one organisation or all."""
    stmt = select(PublicInterestApproval).order_by(PublicInterestApproval.id.desc())
    if org_id:
        stmt = stmt.where(PublicInterestApproval.org_id == org_id)
    return session.scalars(stmt).all()


def approval(session: Session, approval_id: str) -> PublicInterestApproval | None:
    """One approval."""
    return session.get(PublicInterestApproval, approval_id)


def approved_categories(session: Session, org_id: str, now: datetime) -> set[PurposeCategory]:
    """The public-interest purposes currently approved for ``org_id``."""
    rows = session.scalars(
        select(PublicInterestApproval.category).where(
            PublicInterestApproval.org_id == org_id,
            PublicInterestApproval.revoked_at.is_(None),
            PublicInterestApproval.expires_at > now,
        )
    ).all()
    return {PurposeCategory(r) for r in rows}
