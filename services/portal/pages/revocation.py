"""Revocation pages: an operator looks an order up and revokes its grant; a regulator
does so from a trade's timeline; a provider withdraws a file uploaded by mistake.
The buyer sees a revoked grant and its reason on the order page (:mod:`orders`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, OperatorDep, ProviderDep, RegulatorDep
from services.portal.backends import Caller
from services.portal.i18n import Translator, choose_language
from services.portal.pages.provider import dataset_page_for
from services.portal.templating import render

router = APIRouter()

SHOWN_ON_FORM = frozenset({403, 409, 422})
ReasonField = Annotated[str, Form(max_length=500)]


def grant_page(request: Request, api: Caller, order_id: str | None, *, desk: str,
               errors: dict[str, str] | None = None, reason: str = "",
               status_code: int = 200) -> Response:
    """The order's grant (status, who may use it until when, a revocation's reason) and
    the revocation form while it is active; ``desk`` is ``operator`` or ``regulator``."""
    record: dict[str, Any] | None = None
    if order_id:
        try:
            record = api.exchange.order_grant_record(order_id)
        except ApiProblem as problem:
            if problem.status != 404:
                raise
            errors = {**(errors or {}), "order": problem.detail}
            status_code = 404
    return render(request, "revocation/grant.html", {
        "desk": desk, "order_id": order_id or "", "record": record, "errors": errors or {},
        "reason": reason}, status_code=status_code)


def revoke(request: Request, api: Caller, order_id: str, reason: str, *,
           desk: str, back: str) -> Response:
    """Revoke the order's grant; the page again with a refusal next to the reason."""
    t = Translator(choose_language(request))
    if not reason.strip():
        return grant_page(request, api, order_id, desk=desk, status_code=422,
                          errors={"reason": t("revocation.reason_missing")})
    try:
        api.exchange.revoke_order_grant(order_id, reason.strip())
    except ApiProblem as problem:
        if problem.status not in SHOWN_ON_FORM:
            raise
        return grant_page(request, api, order_id, desk=desk, reason=reason,
                          errors={"reason": problem.detail}, status_code=problem.status)
    return RedirectResponse(back, status_code=303)


@router.get("/operator/orders")
def operator_order_lookup(request: Request, _operator: OperatorDep, api: ApiDep,
                          order: Annotated[str | None, Query(max_length=64)] = None
                          ) -> Response:
    """The operator's order lookup: an order's grant, and revoking it."""
    return grant_page(request, api, order.strip() if order else None, desk="operator")


@router.post("/operator/orders/{order_id}/revoke-grant")
def operator_revoke(request: Request, _operator: OperatorDep, api: ApiDep, order_id: str,
                    reason: ReasonField = "") -> Response:
    """Revoke the order's grant with a reason the buyer will read."""
    return revoke(request, api, order_id, reason, desk="operator",
                  back=f"/operator/orders?order={order_id}")


@router.get("/regulator/orders/{order_id}/grant")
def regulator_grant(request: Request, _regulator: RegulatorDep, api: ApiDep,
                    order_id: str) -> Response:
    """A trade's grant as the regulator sees it from the timeline, with revocation."""
    return grant_page(request, api, order_id, desk="regulator")


@router.post("/regulator/orders/{order_id}/revoke-grant")
def regulator_revoke(request: Request, _regulator: RegulatorDep, api: ApiDep, order_id: str,
                     reason: ReasonField = "") -> Response:
    """Revoke the order's grant with a reason the buyer will read."""
    return revoke(request, api, order_id, reason, desk="regulator",
                  back=f"/regulator/orders/{order_id}/grant")


@router.post("/provider/datasets/{dataset_id}/files/{file_id}/withdraw")
def withdraw_file(request: Request, _member: ProviderDep, api: ApiDep, dataset_id: str,
                  file_id: str, reason: ReasonField = "") -> Response:
    """Withdraw a file uploaded by mistake: the dataset page again, without it."""
    t = Translator(choose_language(request))
    if not reason.strip():
        return dataset_page_for(request, api, dataset_id, status_code=422,
                                errors={f"withdraw-{file_id}": t("revocation.reason_missing")})
    try:
        api.catalog.withdraw_file(dataset_id, file_id, reason.strip())
    except ApiProblem as problem:
        if problem.status not in SHOWN_ON_FORM | {410}:
            raise
        return dataset_page_for(request, api, dataset_id, status_code=problem.status,
                                errors={f"withdraw-{file_id}": problem.detail})
    return RedirectResponse(f"/provider/datasets/{dataset_id}?withdrawn={file_id}",
                            status_code=303)
