"""A party's dispute pages (buyer or provider): the case so far, the answer form for the
respondent with evidence chosen from the order's ledger entries, and the case file
download (also for regulators)."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, MemberDep
from services.portal.backends import Caller
from services.portal.pages.membership import field_errors
from services.portal.session import Visitor
from services.portal.templating import render

router = APIRouter()

SHOWN_ON_FORM = frozenset({400, 403, 409, 422})


def cited(seqs: list[int], notes: dict[int, str] | None = None) -> list[dict[str, Any]]:
    """Evidence items for the exchange from the ledger seqs ticked on a form."""
    return [{"ledger_seq": seq, "note": (notes or {}).get(seq, "")} for seq in sorted(set(seqs))]


def dispute_errors(problem: ApiProblem) -> dict[str, str]:
    """The exchange's refusal of a dispute by form field (its ``reason`` is the form's
    statement; anything else under ``form``); a problem not about the input is raised
    for the error pages."""
    if problem.status not in SHOWN_ON_FORM:
        raise problem
    errors = field_errors(problem)
    statement_error = errors.pop("reason", None)
    if statement_error is not None:
        errors["statement"] = statement_error
    return errors


def order_dispute(api: Caller, order: dict[str, Any]) -> dict[str, Any] | None:
    """The order's dispute, for a link from its page (None when it was never disputed)."""
    if not any(move["action"] == "dispute" for move in order["history"]):
        return None
    return next((d for d in api.exchange.disputes(limit=200) if d["order_id"] == order["id"]),
                None)


def citable_entries(api: Caller, order_id: str) -> list[dict[str, Any]]:
    """The order's ledger entries to choose evidence from (none while the ledger is away)."""
    try:
        return api.exchange.order_ledger_entries(order_id)
    except ApiProblem:
        return []


def may_answer(dispute: dict[str, Any], visitor: Visitor) -> bool:
    """Whether the visitor's organisation is the respondent and may still answer."""
    return (dispute["status"] == "open" and dispute["answered_at"] is None
            and visitor.org_id != dispute["opened_by_org_id"]
            and (visitor.has("buyer") or visitor.has("provider")))


def dispute_view(request: Request, api: Caller, visitor: Visitor, dispute_id: str, *,
                 errors: dict[str, str] | None = None, form: dict[str, Any] | None = None,
                 status_code: int = 200) -> Response:
    """The dispute page."""
    dispute = api.exchange.dispute(dispute_id)
    answering = may_answer(dispute, visitor)
    entries = api.exchange.order_ledger_entries(dispute["order_id"]) if answering else []
    return render(request, "disputes/dispute.html", {
        "dispute": dispute, "answering": answering, "entries": entries,
        "errors": errors or {}, "form": form or {"statement": "", "evidence": []},
        "answered_now": request.query_params.get("answered") == "1",
    }, status_code=status_code)


@router.get("/disputes/{dispute_id}")
def dispute_page(request: Request, visitor: MemberDep, api: ApiDep, dispute_id: str) -> Response:
    """One dispute the visitor's organisation is party to."""
    return dispute_view(request, api, visitor, dispute_id)


@router.post("/disputes/{dispute_id}/answer")
def answer(request: Request, visitor: MemberDep, api: ApiDep, dispute_id: str,
           statement: Annotated[str, Form(max_length=4000)] = "",
           evidence: Annotated[list[int] | None, Form()] = None) -> Response:
    """Send the respondent's answer; a refusal shows next to its field."""
    form = {"statement": statement, "evidence": evidence or []}
    try:
        api.exchange.answer_dispute(dispute_id, statement, cited(evidence or []))
    except ApiProblem as problem:
        if problem.status not in SHOWN_ON_FORM:
            raise
        errors = field_errors(problem)
        if "statement" not in errors and "form" not in errors:
            errors["form"] = problem.detail
        return dispute_view(request, api, visitor, dispute_id, errors=errors, form=form,
                            status_code=problem.status)
    return RedirectResponse(f"/disputes/{dispute_id}?answered=1", status_code=303)


@router.get("/disputes/{dispute_id}/case")
def case_file(visitor: MemberDep, api: ApiDep, dispute_id: str) -> Response:
    """The case file as a JSON download (``dataex dispute verify`` checks it offline)."""
    case = api.exchange.dispute_case(dispute_id)
    return Response(json.dumps(case, ensure_ascii=False, indent=2),
                    media_type="application/json", headers={
                        "Content-Disposition": f'attachment; filename="case-{dispute_id}.json"'})
