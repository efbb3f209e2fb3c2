"""The regulator's view of the security-event log (the operators, whose decisions it
records, do not read it: the auditor is not the audited)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query

from services.exchange.security_events import service
from services.exchange.security_events.repository import EventFilter
from services.exchange.security_events.schemas import SecurityEventOut, SecurityEventPage
from services.shared.app import SessionDep
from services.shared.auth import Regulator
from services.shared.bounds import MAX_INTEGER

router = APIRouter(tags=["security"])

Text = Annotated[str | None, Query(max_length=128)]


@router.get("/security-events", response_model=SecurityEventPage,
            summary="The security-event log, newest first (regulators)")
def list_security_events(
    session: SessionDep, _regulator: Regulator,
    type: Text = None, outcome: Text = None, actor_id: Annotated[
        str | None, Query(alias="actor", max_length=128)] = None,
    org_id: Text = None, subject: Text = None, source: Text = None,
    since: datetime | None = None, until: datetime | None = None,
    before: Annotated[int | None, Query(ge=1, le=MAX_INTEGER)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> SecurityEventPage:
    """Filter by type, outcome, actor, organisation, subject, source and time;
    ``before`` is ``next_before`` of the previous page."""
    where = EventFilter(type=type, outcome=outcome, actor=actor_id, org_id=org_id,
                        subject=subject, source=source, since=since, until=until)
    rows = service.events(session, where, before=before, limit=limit)
    return SecurityEventPage(
        items=[SecurityEventOut.model_validate(r) for r in rows],
        next_before=rows[-1].id if len(rows) == limit else None)
