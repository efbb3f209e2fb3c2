"""Authorisation routes (公共数据授权运营): regulators authorise and revoke; the
organisations named read theirs."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Literal

from fastapi import APIRouter, Query, status

from services.exchange.authorisations import service
from services.exchange.authorisations.schemas import (
    AuthorisationCreate,
    AuthorisationOut,
    AuthorisationRevoke,
)
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal, Regulator

if TYPE_CHECKING:  # endpoints never touch tables; converters only name the row type
    from services.exchange.authorisations.tables import OperatingAuthorisation

router = APIRouter(tags=["authorisations"])


def authorisation_out(row: OperatingAuthorisation) -> AuthorisationOut:
    """The API form, with whether it is in force now."""
    return AuthorisationOut(
        id=row.id, asset_id=row.asset_id, operator_org_id=row.operator_org_id,
        scenario=row.scenario, status=row.status,
        in_force=service.in_force(row), starts_at=row.starts_at, expires_at=row.expires_at,
        granted_by=row.granted_by, revoked_at=row.revoked_at, revoke_reason=row.revoke_reason)


@router.post("/authorisations", status_code=status.HTTP_201_CREATED,
             response_model=AuthorisationOut,
             summary="Authorise an operator over not-open data for a scenario (regulators)")
def authorise(body: AuthorisationCreate, uow: UnitOfWorkDep,
              actor: Regulator) -> AuthorisationOut:
    """公共数据授权运营: only the named organisation may then order the asset, within the
    term, until revoked."""
    return authorisation_out(service.authorise(uow, body=body, actor=actor))


@router.get("/authorisations", response_model=list[AuthorisationOut],
            summary="Authorisations (regulators and operators: all; members: theirs)")
def list_authorisations(
    session: SessionDep, actor: CurrentPrincipal, asset_id: str | None = None,
    status_: Annotated[Literal["active", "revoked"] | None, Query(alias="status")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 100,
) -> list[AuthorisationOut]:
    """Newest first."""
    return [authorisation_out(r) for r in service.list_authorisations(
        session, actor, asset_id=asset_id, status=status_, limit=limit)]


@router.get("/authorisations/{authorisation_id}", response_model=AuthorisationOut,
            summary="One authorisation")
def get_authorisation(authorisation_id: str, session: SessionDep,
                      actor: CurrentPrincipal) -> AuthorisationOut:
    """Regulators, operators, the operator organisation and the data's holder."""
    return authorisation_out(service.visible(session, authorisation_id, actor))


@router.post("/authorisations/{authorisation_id}/revoke", response_model=AuthorisationOut,
             summary="Revoke an authorisation (regulators)")
def revoke(authorisation_id: str, body: AuthorisationRevoke, uow: UnitOfWorkDep,
           actor: Regulator) -> AuthorisationOut:
    """active → revoked, with a reason; the operator can no longer order the data."""
    return authorisation_out(service.revoke(uow, authorisation_id=authorisation_id,
                                            reason=body.reason, actor=actor))
