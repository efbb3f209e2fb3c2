"""The regulator's security-event log: sign-ins, failures, locks and privileged
decisions, filtered by type, outcome and organisation, a page at a time."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from services.portal.access import ApiDep, RegulatorDep
from services.portal.templating import render

router = APIRouter()

TYPES = ("sign_in.succeeded", "sign_in.failed", "sign_in.locked", "sign_in.unlocked",
         "api_key.created", "api_key.revoked", "user.role_changed", "user.disabled",
         "privileged.decision")
OUTCOMES = ("success", "failure", "refused")
Filter = Annotated[str, Query(max_length=64)]


@router.get("/security-events")
def security_events(request: Request, _regulator: RegulatorDep, api: ApiDep,
                    type: Filter = "", outcome: Filter = "", org_id: Filter = "",
                    before: Annotated[int | None, Query(ge=1, le=2**62)] = None) -> Response:
    """Newest first, 50 a page; the filters stay in the next page's link."""
    filters = {"type": type, "outcome": outcome, "org_id": org_id}
    page = api.exchange.security_events(**filters, before=before, limit=50)
    return render(request, "regulator/security_events.html", {
        "events": page["items"], "next_before": page["next_before"], "filters": filters,
        "types": TYPES, "outcomes": OUTCOMES})
