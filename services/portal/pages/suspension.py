"""``/operator/organizations/{id}/standing``: the operator suspends an active member
organisation (its tokens, grants and offers stop) or reinstates a suspended one (its
offers come back, its grants do not), with a reason."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, OperatorDep
from services.portal.backends import Caller
from services.portal.i18n import Translator, choose_language
from services.portal.templating import render

router = APIRouter(prefix="/operator/organizations")


def _page(request: Request, api: Caller, org_id: str, *, reason: str = "",
          error: str | None = None, status_code: int = 200) -> Response:
    org: dict[str, Any] = api.exchange.organization(org_id)
    return render(request, "operator/standing.html", {
        "org": org, "reason": reason, "error": error,
        "done": request.query_params.get("done")}, status_code=status_code)


@router.get("/{org_id}/standing")
def standing(request: Request, org_id: str, operator: OperatorDep, api: ApiDep) -> Response:
    """The organisation's status and the suspend or reinstate form."""
    return _page(request, api, org_id)


@router.post("/{org_id}/standing")
def change_standing(request: Request, org_id: str, operator: OperatorDep, api: ApiDep,
                    action: Annotated[str, Form(max_length=16)] = "",
                    reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Suspend or reinstate; a missing reason or the API's refusal shows by the field."""
    t = Translator(choose_language(request))
    if not reason.strip():
        return _page(request, api, org_id, error=t("suspension.reason_required"),
                     status_code=422)
    try:
        if action == "suspend":
            api.exchange.suspend_organization(org_id, reason.strip())
        elif action == "reinstate":
            api.exchange.reinstate_organization(org_id, reason.strip())
        else:
            return _page(request, api, org_id, reason=reason, status_code=422)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return _page(request, api, org_id, reason=reason, error=problem.detail,
                     status_code=problem.status)
    return RedirectResponse(f"/operator/organizations/{org_id}/standing?done={action}",
                            status_code=303)
