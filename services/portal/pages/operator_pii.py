"""The operator's override of the PII rule: a listing whose files carry resident IDs or
bank cards under general + unconditional is let through only with a recorded reason."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, OperatorDep
from services.portal.i18n import Translator, choose_language
from services.portal.pages.operator_reviews import QUEUES, _review_page

router = APIRouter(prefix="/operator")


@router.post("/listings/{dataset_id}/pii-override")
def override_pii(request: Request, operator: OperatorDep, api: ApiDep, dataset_id: str,
                 pii_reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Record the override (the reason is required); the listing's page shows it."""
    queue = QUEUES["listings"]
    if len(pii_reason.strip()) < 4:
        t = Translator(choose_language(request))
        return _review_page(request, api, queue, dataset_id, status_code=422,
                            errors={"pii_reason": t("pii.error.reason")})
    try:
        api.catalog.override_pii(dataset_id, pii_reason.strip())
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return _review_page(request, api, queue, dataset_id, status_code=problem.status,
                            errors={"pii_reason": problem.detail})
    return RedirectResponse(f"/operator/listings/{dataset_id}?pii=overridden", status_code=303)
