"""Service-only grant routes for the catalog: a grant's status, usage reports and
their voids."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from services.exchange.grants import service
from services.exchange.grants.tables import AccessGrant
from services.shared.app import OutboxDep, SessionDep
from services.shared.auth import ServicePrincipal
from services.shared.orm import utcnow
from services.shared.schemas.grants import GrantStatusOut, UsageIn, UsageVoidIn

router = APIRouter(tags=["grants (services only)"])

MAX_CACHE_SECONDS = 30


def status_out(grant: AccessGrant) -> GrantStatusOut:
    """The status document of a grant, now."""
    now = utcnow()
    return GrantStatusOut(
        grant_id=grant.id, order_id=grant.order_id, buyer_org_id=grant.buyer_org_id,
        status=service.status_of(grant, now), dataset_ids=grant.dataset_ids,
        expires_at=grant.expires_at, unit=grant.unit, quota=grant.quota,
        used_calls=grant.used_calls, used_rows=grant.used_rows, checked_at=now,
        max_cache_seconds=MAX_CACHE_SECONDS,
    )


@router.get("/grants/{grant_id}", response_model=GrantStatusOut,
            summary="Whether a grant is active, revoked, expired or used up (services)")
def grant_status(grant_id: str, session: SessionDep,
                 _caller: ServicePrincipal) -> GrantStatusOut:
    """The catalog checks this before serving content under a grant token and may cache
    the answer for ``max_cache_seconds``, so a revocation takes effect within a minute."""
    return status_out(service.grant(session, grant_id))


@router.post("/grants/{grant_id}/usage", response_model=GrantStatusOut,
             summary="Report calls and rows served under a grant (services)")
def report_usage(grant_id: str, body: UsageIn, session: SessionDep, outbox: OutboxDep,
                 caller: ServicePrincipal) -> GrantStatusOut:
    """Counts against a metered grant's quota (409 when it would pass it or the grant is
    no longer active); a resent ``report_id`` is counted once."""
    return status_out(service.report_usage(session, outbox, grant_id=grant_id,
                                           report_id=body.report_id,
                                           dataset_id=body.dataset_id, calls=body.calls,
                                           rows=body.rows, actor=caller.subject))


@router.post("/grants/{grant_id}/usage/{report_id}/void", response_model=GrantStatusOut,
             summary="Void a usage report whose data was not served (services)")
def void_usage(grant_id: str, report_id: Annotated[str, Path(min_length=1, max_length=64)],
               body: UsageVoidIn, session: SessionDep,
               outbox: OutboxDep, caller: ServicePrincipal) -> GrantStatusOut:
    """Takes a counted report off the grant, or refuses the report in advance if it has
    not arrived (it is then answered 409 ``usage-report-voided``); voiding again changes
    nothing. Answers the grant's status, as a usage report does."""
    return status_out(service.void_usage(session, outbox, grant_id=grant_id,
                                         report_id=report_id, dataset_id=body.dataset_id,
                                         reason=body.reason, actor=caller.subject))
