"""Public-data pricing rules: regulators set caps per theme and plan, and approve
buyers' public-interest purposes for conditional free use."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy.orm import Session

from services.exchange.identity import repository as identity
from services.exchange.market.pricing import Plan
from services.exchange.market.public_pricing import PurposeCategory, check_public_interest
from services.exchange.market.statuses import OrganizationStatus
from services.exchange.money.model import check_amount
from services.exchange.public_pricing import repository
from services.exchange.public_pricing.tables import PriceCap, PublicInterestApproval
from services.exchange.unit_of_work import UnitOfWork
from services.shared.auth import Principal
from services.shared.canonical import text_sha256
from services.shared.ids import new_id
from services.shared.orm import utcnow
from services.shared.problems import Conflict, Forbidden, NotFound


def set_cap(uow: UnitOfWork, *, theme: str, plan: Plan, max_price_fen: int,
            reason: str, actor: Principal) -> PriceCap:
    """Create or change the cap on public bodies' offers for one theme and plan; new
    offers above it are refused, and existing ones can no longer be ordered."""
    check_amount(max_price_fen, name="max_price_fen", allow_zero=True)
    now = utcnow()
    cap = repository.cap(uow.session, theme, plan.value)
    previous = cap.max_price_fen if cap else None
    if cap is None:
        cap = PriceCap(theme=theme, plan=plan.value, max_price_fen=max_price_fen,
                       reason=reason, set_by=actor.subject, set_at=now)
        uow.session.add(cap)
    else:
        cap.max_price_fen, cap.reason, cap.set_by, cap.set_at = (max_price_fen, reason,
                                                                 actor.subject, now)
    uow.record(type="price_cap.set", actor=actor.subject, subject=f"{theme}/{plan}",
               payload={"theme": theme, "plan": plan.value, "max_price_fen": max_price_fen,
                           "previous_fen": previous, "reason_sha256": text_sha256(reason)})
    return cap


def caps(session: Session) -> Sequence[PriceCap]:
    """Every cap in force."""
    return repository.all_caps(session)


def approve_public_interest(uow: UnitOfWork, *, org_id: str,
                            category: PurposeCategory, reason: str, days: int,
                            actor: Principal) -> PublicInterestApproval:
    """Approve a buyer's public-interest purpose: its orders for that purpose on public
    bodies' data are free until the approval expires or is revoked."""
    check_public_interest(category)
    org = identity.organization(uow.session, org_id)
    if org is None or org.status != OrganizationStatus.ACTIVE:
        raise NotFound(f"no active organisation {org_id}")
    now = utcnow()
    approval = PublicInterestApproval(id=new_id("pia"), org_id=org_id, category=category.value,
                                      reason=reason, approved_by=actor.subject, approved_at=now,
                                      expires_at=now + timedelta(days=days))
    uow.session.add(approval)
    uow.record(type="public_interest.approved", actor=actor.subject,
               subject=approval.id,
               payload={"approval_id": approval.id, "org_id": org_id,
                           "category": category.value, "expires_at_days": days,
                           "reason_sha256": text_sha256(reason)})
    return approval


def revoke_public_interest(uow: UnitOfWork, *, approval_id: str,
                           actor: Principal) -> PublicInterestApproval:
    """End an approval now."""
    approval = repository.approval(uow.session, approval_id)
    if approval is None:
        raise NotFound(f"no approval {approval_id}")
    if approval.revoked_at is not None:
        raise Conflict("the approval is already revoked", slug="invalid-transition")
    approval.revoked_at = utcnow()
    uow.record(type="public_interest.revoked", actor=actor.subject,
               subject=approval.id, payload={"approval_id": approval.id,
                                                "org_id": approval.org_id})
    return approval


def list_approvals(session: Session, actor: Principal) -> Sequence[PublicInterestApproval]:
    """All approvals for regulators and operators; a member's own otherwise."""
    if actor.has_role("regulator", "operator"):
        return repository.approvals(session, None)
    if actor.org is None:
        raise Forbidden("approvals are listed for members", slug="members-only")
    return repository.approvals(session, actor.org)
