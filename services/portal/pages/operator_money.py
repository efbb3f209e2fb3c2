"""The operator's money pages: the payout queue (mark paid with the bank's reference, or
reject with a reason), the daily reconciliation and the exchange fee."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, OperatorDep
from services.portal.backends import Caller
from services.portal.i18n import Translator, choose_language
from services.portal.templating import render

router = APIRouter(prefix="/operator")
QUEUE = 200
BEIJING = timezone(timedelta(hours=8))


def _queue(request: Request, api: Caller, *, errors: dict[str, str] | None = None,
           done: str | None = None, status_code: int = 200) -> Response:
    waiting = api.exchange.payouts(status="requested", limit=QUEUE)
    return render(request, "operator/payouts.html", {
        "waiting": waiting, "recent": [p for p in api.exchange.payouts(limit=50)
                                       if p["status"] != "requested"],
        "keys": {p["id"]: str(uuid.uuid4()) for p in waiting},
        "errors": errors or {}, "done": done}, status_code=status_code)


@router.get("/payouts")
def payout_queue(request: Request, operator: OperatorDep, api: ApiDep,
                 done: Annotated[str | None, Query(max_length=20)] = None) -> Response:
    """Requested payouts, oldest money first in the bank's eyes, and recent decisions."""
    return _queue(request, api, done=done if done in ("paid", "rejected") else None)


@router.post("/payouts/{payout_id}/answer")
def decide(request: Request, payout_id: str, operator: OperatorDep, api: ApiDep,
           idempotency_key: Annotated[str, Form(min_length=1, max_length=200)],
           decision: Annotated[str, Form(max_length=10)] = "",
           bank_reference: Annotated[str, Form(max_length=100)] = "",
           reason: Annotated[str, Form(max_length=1000)] = "") -> Response:
    """Mark paid (a bank reference is required) or reject (a reason is required)."""
    t = Translator(choose_language(request))
    paid = decision == "paid"
    text = (bank_reference if paid else reason).strip()
    if decision not in ("paid", "reject") or not text:
        key = "payouts.reference_missing" if paid else "payouts.reason_missing"
        return _queue(request, api, errors={payout_id: t(key)}, status_code=422)
    try:
        api.exchange.decide_payout(payout_id, paid=paid, text=text,
                                   idempotency_key=idempotency_key)
    except ApiProblem as problem:
        if problem.status not in (404, 409, 422):
            raise
        return _queue(request, api, errors={payout_id: problem.detail},
                      status_code=problem.status)
    return RedirectResponse(f"/operator/payouts?done={'paid' if paid else 'rejected'}",
                            status_code=303)


@router.get("/reconciliation")
def reconciliation(request: Request, operator: OperatorDep, api: ApiDep,
                   day: Annotated[str | None, Query(alias="date", max_length=10)] = None
                   ) -> Response:
    """A business day's deposits and payouts against the journal (today by default)."""
    report: dict[str, Any] | None = None
    error = None
    try:
        chosen = date.fromisoformat(day).isoformat() if day else None
    except ValueError:
        chosen, error = None, Translator(choose_language(request))("payouts.date_invalid")
    if error is None:
        report = api.exchange.reconciliation(chosen or _today())
    return render(request, "operator/reconciliation.html", {
        "report": report, "day": day or (report or {}).get("day", ""), "error": error},
        status_code=422 if error else 200)


def _today() -> str:
    """Today's business day: the exchange cuts days at midnight Beijing time."""
    return datetime.now(BEIJING).date().isoformat()


def _fees_page(request: Request, api: Caller, form: dict[str, str], *,
               errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    return render(request, "operator/fees.html", {
        "fees": api.exchange.fees(), "form": form, "errors": errors or {}},
        status_code=status_code)


@router.get("/fees")
def fees(request: Request, operator: OperatorDep, api: ApiDep) -> Response:
    """The fee in effect, its schedule and the form to set a new one."""
    return _fees_page(request, api, {"fee_bps": "", "effective_date": _today()})


@router.post("/fees")
def set_fee(request: Request, operator: OperatorDep, api: ApiDep,
            fee_bps: Annotated[str, Form(max_length=10)] = "",
            effective_date: Annotated[str, Form(max_length=10)] = "") -> Response:
    """Schedule the fee; a bad figure or date shows next to its field."""
    t = Translator(choose_language(request))
    form = {"fee_bps": fee_bps, "effective_date": effective_date}
    if not fee_bps.strip().isdigit():
        return _fees_page(request, api, form, errors={"fee_bps": t("payouts.fee_invalid")},
                          status_code=422)
    try:
        api.exchange.set_fee(int(fee_bps), effective_date)
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        field = "fee_bps" if "fee_bps" in problem.detail else "effective_date"
        return _fees_page(request, api, form, errors={field: problem.detail},
                          status_code=422)
    return RedirectResponse("/operator/fees", status_code=303)
