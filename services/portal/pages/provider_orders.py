"""The provider's page of one incoming order: its facts and history, the form that opens
a dispute citing the order's ledger entries, and the link to the order's dispute."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, ProviderDep
from services.portal.backends import Caller
from services.portal.pages.disputes import (
    citable_entries,
    cited,
    dispute_errors,
    order_dispute,
)
from services.portal.templating import render

router = APIRouter(prefix="/provider")


def provider_order_view(request: Request, api: Caller, order_id: str, *,
                        errors: dict[str, str] | None = None,
                        form: dict[str, Any] | None = None,
                        status_code: int = 200) -> Response:
    """The order as its provider sees it, with the dispute form while it may dispute."""
    order = api.exchange.order(order_id)
    actions = set(order["next_actions"])
    return render(request, "provider/order.html", {
        "order": order, "actions": actions,
        "entries": citable_entries(api, order_id) if "dispute" in actions else [],
        "dispute": order_dispute(api, order), "errors": errors or {},
        "form": form or {"statement": "", "evidence": []},
        "disputed_now": request.query_params.get("done") == "disputed",
    }, status_code=status_code)


@router.get("/orders/{order_id}")
def provider_order(request: Request, _member: ProviderDep, api: ApiDep,
                   order_id: str) -> Response:
    """One order placed with the provider (another organisation's is the exchange's 404)."""
    return provider_order_view(request, api, order_id)


@router.post("/orders/{order_id}/dispute")
def provider_dispute(request: Request, _member: ProviderDep, api: ApiDep, order_id: str,
                     statement: Annotated[str, Form(max_length=4000)] = "",
                     evidence: Annotated[list[int] | None, Form()] = None) -> Response:
    """Open a dispute as the provider, citing ledger entries of the order; a refusal
    shows next to its field."""
    try:
        api.exchange.dispute_order(order_id, statement, cited(evidence or []))
    except ApiProblem as problem:
        return provider_order_view(request, api, order_id, errors=dispute_errors(problem),
                                   form={"statement": statement, "evidence": evidence or []},
                                   status_code=problem.status)
    return RedirectResponse(f"/provider/orders/{order_id}?done=disputed", status_code=303)
