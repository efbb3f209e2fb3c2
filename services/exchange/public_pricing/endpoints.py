"""Public-data pricing routes: price caps and public-interest approvals (regulators)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from services.exchange.market.pricing import Plan
from services.exchange.market.public_pricing import PurposeCategory
from services.exchange.public_pricing import service
from services.exchange.public_pricing.schemas import ApprovalIn, ApprovalOut, CapIn, CapOut
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal, Regulator

router = APIRouter(tags=["public data pricing"])

Theme = Annotated[str, Path(pattern=r"^[a-z_]{1,32}$")]


@router.put("/price-caps/{theme}/{plan}", response_model=CapOut,
            summary="Set the price cap on public bodies' offers for a theme and plan")
def set_cap(theme: Theme, plan: Plan, body: CapIn, uow: UnitOfWorkDep,
            actor: Regulator) -> CapOut:
    """New offers above the cap are refused (422) and existing ones can no longer be
    ordered (409) until their provider offers again within it."""
    return CapOut.model_validate(service.set_cap(uow, theme=theme, plan=plan,
                                                 max_price_fen=body.max_price_fen,
                                                 reason=body.reason, actor=actor))


@router.get("/price-caps", response_model=list[CapOut], summary="Price caps in force (anyone)")
def list_caps(session: SessionDep) -> list[CapOut]:
    """Every cap, by theme and plan."""
    return [CapOut.model_validate(c) for c in service.caps(session)]


@router.post("/public-interest-approvals", status_code=status.HTTP_201_CREATED,
             response_model=ApprovalOut,
             summary="Approve a buyer's public-interest purpose (regulators)")
def approve(body: ApprovalIn, uow: UnitOfWorkDep, actor: Regulator) -> ApprovalOut:
    """The buyer's orders for that purpose on public bodies' data become free
    (conditional free use) until the approval expires or is revoked."""
    return ApprovalOut.model_validate(service.approve_public_interest(
        uow, org_id=body.org_id, category=PurposeCategory(body.category),
        reason=body.reason, days=body.days or uow.trading.settings.public_interest_days,
        actor=actor))


@router.get("/public-interest-approvals", response_model=list[ApprovalOut],
            summary="Approvals (all for regulators and operators; a member's own)")
def list_approvals(session: SessionDep, actor: CurrentPrincipal) -> list[ApprovalOut]:
    """Newest first."""
    return [ApprovalOut.model_validate(a) for a in service.list_approvals(session, actor)]


@router.post("/public-interest-approvals/{approval_id}/revoke", response_model=ApprovalOut,
             summary="End an approval now (regulators)")
def revoke(approval_id: str, uow: UnitOfWorkDep,
           actor: Regulator) -> ApprovalOut:
    """Later orders pay the list price."""
    return ApprovalOut.model_validate(service.revoke_public_interest(
        uow, approval_id=approval_id, actor=actor))
