"""Asset routes: registration, review, revocation, the certificate, listings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Query, Response, status

from services.exchange.assets import service
from services.exchange.assets.schemas import (
    AssetCreate,
    AssetOut,
    AssetPage,
    Decision,
    PinnedDataset,
    Revocation,
    UpdateIn,
    UpdateOut,
)
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal, Operator, OptionalPrincipal, Provider
from services.shared.problems import NotFound

if TYPE_CHECKING:  # endpoints never touch tables; converters only name the row type
    from services.exchange.assets.tables import Asset

router = APIRouter(tags=["assets"])


def asset_out(asset: Asset) -> AssetOut:
    """The API form of an asset."""
    return AssetOut(
        id=asset.id, name=asset.name, owner_org_id=asset.owner_org_id,
        status=asset.status, rights=asset.rights,
        datasets=[PinnedDataset.model_validate(d.pinned()) for d in asset.datasets],
        grade=asset.grade, open_type=asset.open_type, public_data=asset.public_data,
        themes=asset.themes, quality_score=asset.quality_score,
        content_sha256=asset.content_sha256, certificate_no=asset.certificate_no,
        created_at=asset.created_at, decided_at=asset.decided_at,
        decision_reason=asset.decision_reason, revoked_at=asset.revoked_at,
        suspended_at=asset.suspended_at if asset.status == "suspended" else None,
        suspend_reason=asset.suspend_reason if asset.status == "suspended" else None,
    )


@router.post("/assets", status_code=status.HTTP_201_CREATED, response_model=AssetOut,
             summary="Register a data asset over the caller's listed datasets (providers)")
def register_asset(body: AssetCreate, uow: UnitOfWorkDep, actor: Provider) -> AssetOut:
    """pending until an operator reviews it; the datasets' hashes are pinned now."""
    return asset_out(service.register_asset(uow, name=body.name,
                                            dataset_ids=body.dataset_ids, rights=body.rights,
                                            actor=actor))


@router.get("/assets", response_model=AssetPage, summary="List assets")
def list_assets(
    session: SessionDep, viewer: OptionalPrincipal, mine: bool = False,
    status_: Annotated[str | None, Query(
        alias="status", pattern="^(pending|registered|rejected|suspended|revoked)$")] = None,
    cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> AssetPage:
    """Registered assets for anyone; ``mine=true`` the caller's own in any status."""
    items = service.list_assets(session, viewer, mine=mine, status=status_, after=cursor,
                                limit=limit)
    return AssetPage(items=[asset_out(a) for a in items],
                     next_cursor=items[-1].id if len(items) == limit else None)


@router.get("/assets/{asset_id}", response_model=AssetOut, summary="One asset")
def get_asset(asset_id: str, session: SessionDep, viewer: OptionalPrincipal) -> AssetOut:
    """Registered and revoked assets for anyone; pending or rejected ones for the owner,
    operators and regulators."""
    return asset_out(service.visible_asset(session, asset_id, viewer))


@router.post("/assets/{asset_id}/review", response_model=AssetOut,
             summary="Approve (and certify) or reject a registration (operators)")
def review_asset(asset_id: str, body: Decision, uow: UnitOfWorkDep, actor: Operator) -> AssetOut:
    """pending → registered with a signed certificate, or → rejected (with a reason)."""
    return asset_out(service.review_asset(uow, asset_id=asset_id,
                                          approve=body.approve, reason=body.reason,
                                          actor=actor))


@router.post("/assets/{asset_id}/revoke", response_model=AssetOut,
             summary="Revoke a registration (its owner or an operator)")
def revoke_asset(asset_id: str, body: Revocation, uow: UnitOfWorkDep,
                 actor: CurrentPrincipal) -> AssetOut:
    """→ revoked; its offers are withdrawn and its orders' live grants revoked."""
    return asset_out(service.revoke_asset(uow, asset_id=asset_id,
                                          reason=body.reason, actor=actor))


@router.post("/assets/{asset_id}/suspend", response_model=AssetOut,
             summary="Suspend a registered asset (operators, regulators)")
def suspend_asset(asset_id: str, body: Revocation, uow: UnitOfWorkDep,
                  actor: CurrentPrincipal) -> AssetOut:
    """registered → suspended; its offers are withdrawn and its orders' live grants
    revoked (with this reason)."""
    return asset_out(service.suspend_asset(uow, asset_id=asset_id, reason=body.reason,
                                           actor=actor))


@router.post("/assets/{asset_id}/reinstate", response_model=AssetOut,
             summary="Lift a suspension (operators, regulators)")
def reinstate_asset(asset_id: str, body: Revocation, uow: UnitOfWorkDep,
                    actor: CurrentPrincipal) -> AssetOut:
    """suspended → registered; offers and grants stay as they are."""
    return asset_out(service.reinstate_asset(uow, asset_id=asset_id, reason=body.reason,
                                             actor=actor))


@router.get("/assets/{asset_id}/certificate", summary="The registration certificate (anyone)",
            responses={200: {"description": "the signed certificate; verify it with the JWKS"}})
def certificate(asset_id: str, session: SessionDep, response: Response) -> dict[str, Any]:
    """``{type, certificate_no, asset, rights, dataset_hashes, issued_at, kid, signature}``;
    the ``X-Registration-Status`` header says whether it was revoked since."""
    asset = service.visible_asset(session, asset_id, None)
    if asset.certificate is None:
        raise NotFound(f"asset {asset_id} has no certificate")
    response.headers["X-Registration-Status"] = asset.status
    return asset.certificate


@router.post("/assets/{asset_id}/updates", status_code=status.HTTP_201_CREATED,
             response_model=UpdateOut,
             summary="Submit a dataset's new revision as an update of the asset (its owner)")
def submit_update(asset_id: str, body: UpdateIn, uow: UnitOfWorkDep,
                  actor: Provider) -> UpdateOut:
    """Pins the dataset's current revision and files for an operator's review. Once
    approved, buyers whose offer includes updates (`includes_updates`) reach its files;
    other buyers keep exactly the files their contract pins."""
    return UpdateOut.model_validate(service.submit_update(
        uow, asset_id=asset_id, dataset_id=body.dataset_id, actor=actor))


@router.get("/assets/{asset_id}/updates", response_model=list[UpdateOut],
            summary="An asset's updates (its owner, operators, regulators)")
def list_updates(asset_id: str, session: SessionDep,
                 viewer: CurrentPrincipal) -> list[UpdateOut]:
    """Oldest first, with their review status."""
    return [UpdateOut.model_validate(u) for u in service.updates_of(session, asset_id, viewer)]


@router.post("/assets/{asset_id}/updates/{update_id}/review", response_model=UpdateOut,
             summary="Approve or reject an asset's update (operators)")
def review_update(asset_id: str, update_id: str, body: Decision, uow: UnitOfWorkDep,
                  actor: Operator) -> UpdateOut:
    """pending → approved (grants that include updates reach its files) or → rejected
    (with a reason)."""
    return UpdateOut.model_validate(service.review_update(
        uow, asset_id=asset_id, update_id=update_id, approve=body.approve,
        reason=body.reason, actor=actor))
