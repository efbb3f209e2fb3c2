"""Grant routes. For the catalog (service tokens): a grant's status, usage reports and
their voids. For members: an order's grant record, and its revocation by an operator or
a regulator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Path
from sqlalchemy.orm import Session

from services.exchange.grants import service
from services.exchange.grants.schemas import GrantRecord, GrantRevocation
from services.exchange.unit_of_work import UnitOfWorkDep
from services.shared.app import SessionDep
from services.shared.auth import CurrentPrincipal, Principal, ServicePrincipal
from services.shared.orm import utcnow
from services.shared.problems import Forbidden
from services.shared.schemas.grants import GrantStatusOut, UsageIn, UsageVoidIn

if TYPE_CHECKING:  # endpoints never touch tables; converters only name the row type
    from services.exchange.grants.tables import AccessGrant

router = APIRouter(tags=["grants (services only)"])
members = APIRouter(tags=["grants"])

MAX_CACHE_SECONDS = 30


def status_out(session: Session, grant: AccessGrant) -> GrantStatusOut:
    """The status document of a grant, now, with the files it reaches."""
    now = utcnow()
    reach = service.reach_of(session, grant)
    return GrantStatusOut(
        grant_id=grant.id, order_id=grant.order_id, buyer_org_id=grant.buyer_org_id,
        status=service.status_of(grant, now), dataset_ids=grant.dataset_ids,
        expires_at=grant.expires_at, unit=grant.unit, quota=grant.quota,
        used_calls=grant.used_calls, used_rows=grant.used_rows, checked_at=now,
        max_cache_seconds=MAX_CACHE_SECONDS, files=reach.files, grade=reach.grade,
        open_type=reach.open_type,
    )


@router.get("/grants/{grant_id}", response_model=GrantStatusOut,
            summary="Whether a grant is active, revoked, expired or used up (services)")
def grant_status(grant_id: str, session: SessionDep,
                 _caller: ServicePrincipal) -> GrantStatusOut:
    """The catalog checks this before serving content under a grant token and may cache
    the answer for ``max_cache_seconds``, so a revocation takes effect within a minute."""
    return status_out(session, service.grant(session, grant_id))


@router.post("/grants/{grant_id}/usage", response_model=GrantStatusOut,
             summary="Report calls and rows served under a grant (services)")
def report_usage(grant_id: str, body: UsageIn, uow: UnitOfWorkDep,
                 caller: ServicePrincipal) -> GrantStatusOut:
    """Counts against a metered grant's quota (409 when it would pass it or the grant is
    no longer active); a resent ``report_id`` is counted once."""
    found = service.report_usage(uow, grant_id=grant_id, report_id=body.report_id,
                                 dataset_id=body.dataset_id, calls=body.calls,
                                 rows=body.rows, actor=caller.subject)
    return status_out(uow.session, found)


@router.post("/grants/{grant_id}/usage/{report_id}/void", response_model=GrantStatusOut,
             summary="Void a usage report whose data was not served (services)")
def void_usage(grant_id: str, report_id: Annotated[str, Path(min_length=1, max_length=64)],
               body: UsageVoidIn, uow: UnitOfWorkDep, caller: ServicePrincipal) -> GrantStatusOut:
    """Takes a counted report off the grant, or refuses the report in advance if it has
    not arrived (it is then answered 409 ``usage-report-voided``); voiding again changes
    nothing. Answers the grant's status, as a usage report does."""
    found = service.void_usage(uow, grant_id=grant_id, report_id=report_id,
                               dataset_id=body.dataset_id, reason=body.reason,
                               actor=caller.subject)
    return status_out(uow.session, found)


def record_out(grant: AccessGrant) -> GrantRecord:
    """An order's grant as members see it."""
    return GrantRecord(
        grant_id=grant.id, order_id=grant.order_id, buyer_org_id=grant.buyer_org_id,
        status=service.status_of(grant, utcnow()), dataset_ids=grant.dataset_ids,
        starts_at=grant.starts_at, expires_at=grant.expires_at, revoked_at=grant.revoked_at,
        revoke_reason=grant.revoke_reason, max_cache_seconds=MAX_CACHE_SECONDS)


def _operator_or_regulator(actor: Principal) -> None:
    if not actor.has_role("operator", "regulator"):
        raise Forbidden("only an operator or a regulator revokes a grant",
                        slug="operator-or-regulator")


@members.get("/orders/{order_id}/grant/record", response_model=GrantRecord,
             summary="An order's grant: status, and who revoked it why (parties, operators, "
                     "regulators)")
def order_grant_record(order_id: str, session: SessionDep,
                       viewer: CurrentPrincipal) -> GrantRecord:
    """404 when the order has no grant yet or the caller is not its buyer or provider,
    an operator or a regulator."""
    return record_out(service.grant_record(session, order_id, viewer))


@members.post("/orders/{order_id}/grant/revoke", response_model=GrantRecord,
              summary="Revoke an order's grant (operators, regulators)")
def revoke_order_grant(order_id: str, body: GrantRevocation, uow: UnitOfWorkDep,
                       actor: CurrentPrincipal) -> GrantRecord:
    """As ``POST /v1/grants/{grant_id}/revoke``, by the order's id."""
    _operator_or_regulator(actor)
    found = service.grant_record(uow.session, order_id, actor)
    return record_out(service.revoke_by_authority(uow, found.id, note=body.reason,
                                                  actor=actor))


@members.post("/grants/{grant_id}/revoke", response_model=GrantRecord,
              summary="Revoke a grant (operators, regulators)")
def revoke_grant(grant_id: str, body: GrantRevocation, uow: UnitOfWorkDep,
                 actor: CurrentPrincipal) -> GrantRecord:
    """active → revoked for good, with a reason the buyer sees (the ledger keeps its
    hash). No new grant token is issued from now on; the catalog refuses tokens already
    issued once its cached answer expires, within ``max_cache_seconds``. 409 when the
    grant is already revoked or expired."""
    _operator_or_regulator(actor)
    return record_out(service.revoke_by_authority(uow, grant_id, note=body.reason,
                                                  actor=actor))
