"""The operator's members and money: the organisations list and recording a buyer's
bank deposit (typed in 元, credited in fen)."""

from __future__ import annotations

import re
import uuid
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, OperatorDep
from services.portal.backends import Caller
from services.portal.i18n import Translator, choose_language
from services.portal.templating import render

router = APIRouter(prefix="/operator")

ORG_STATUSES = ("pending", "active", "rejected", "suspended")
ORG_PAGE = 50
# Organisations offered in the deposit form's list (active ones, in id order).
DEPOSIT_CHOICES = 500
MAX_FEN = 10**15
# Whole 元 with at most two decimals: no signs, exponents or thousands separators.
YUAN_PATTERN = re.compile(r"\d{1,13}(?:\.\d{1,2})?")


class AmountRefused(ValueError):
    """A typed amount that is not a positive number of 元 with at most two decimals;
    ``args[0]`` is the message key saying why."""


def fen_from_yuan(text: str) -> int:
    """``"1,234.5"`` 元 as ``123450`` fen, exactly (Decimal, never float); more than two
    decimals, zero, negative or malformed amounts are refused."""
    cleaned = text.strip().removeprefix("¥").replace(",", "").replace("，", "").strip()
    if not cleaned:
        raise AmountRefused("operator.amount_missing")
    if re.fullmatch(r"\d+\.\d{3,}", cleaned):
        raise AmountRefused("operator.amount_decimals")
    if not YUAN_PATTERN.fullmatch(cleaned):
        raise AmountRefused("operator.amount_invalid")
    fen = int(Decimal(cleaned) * 100)
    if fen <= 0:
        raise AmountRefused("operator.amount_positive")
    if fen > MAX_FEN:
        raise AmountRefused("operator.amount_too_large")
    return fen


@router.get("/organizations")
def organizations(request: Request, operator: OperatorDep, api: ApiDep,
                  status: Annotated[str | None, Query(max_length=20)] = None,
                  after: Annotated[str | None, Query(max_length=64)] = None) -> Response:
    """Member organisations in id order, filtered by status, a page at a time."""
    chosen = status if status in ORG_STATUSES else None
    items = api.exchange.organizations(status=chosen, after=after, limit=ORG_PAGE)
    return render(request, "operator/organizations.html", {
        "items": items, "status": chosen, "statuses": ORG_STATUSES, "after": after,
        "next_after": items[-1]["id"] if len(items) == ORG_PAGE else None})


def _deposit_page(request: Request, api: Caller, form: dict[str, Any], *,
                  errors: dict[str, str] | None = None, recorded: dict[str, Any] | None = None,
                  status_code: int = 200) -> Response:
    choices = api.exchange.organizations(status="active", limit=DEPOSIT_CHOICES)
    return render(request, "operator/deposit.html", {
        "form": form, "errors": errors or {}, "choices": choices, "recorded": recorded,
        "org_names": {org["id"]: org["name"] for org in choices}},
        status_code=status_code)


def _new_deposit_form(org: str | None) -> dict[str, Any]:
    return {"org_id": org or "", "amount": "", "reference": "",
            "idempotency_key": str(uuid.uuid4())}


@router.get("/deposits")
def deposit_form(request: Request, operator: OperatorDep, api: ApiDep,
                 org: Annotated[str | None, Query(max_length=64)] = None,
                 entry: Annotated[str | None, Query(max_length=64)] = None,
                 amount_fen: Annotated[int | None, Query(ge=0)] = None,
                 balance_fen: Annotated[int | None, Query()] = None) -> Response:
    """The deposit form (a fresh Idempotency-Key in a hidden field, so sending the same
    form twice credits once), and after a deposit what was recorded."""
    recorded = None
    if entry and org and amount_fen is not None:
        recorded = {"journal_entry_id": entry, "org_id": org, "amount_fen": amount_fen,
                    "balance_fen": balance_fen}
    return _deposit_page(request, api, _new_deposit_form(None if recorded else org),
                         recorded=recorded)


@router.post("/deposits")
def record_deposit(request: Request, operator: OperatorDep, api: ApiDep,
                   idempotency_key: Annotated[str, Form(min_length=1, max_length=200)],
                   org_id: Annotated[str, Form(max_length=64)] = "",
                   amount: Annotated[str, Form(max_length=40)] = "",
                   reference: Annotated[str, Form(max_length=100)] = "") -> Response:
    """Credit the deposit; a bad amount or the API's refusal shows next to its field."""
    t = Translator(choose_language(request))
    form = {"org_id": org_id, "amount": amount, "reference": reference,
            "idempotency_key": idempotency_key}
    errors: dict[str, str] = {}
    if not org_id:
        errors["org_id"] = t("operator.org_missing")
    try:
        amount_fen = fen_from_yuan(amount)
    except AmountRefused as refused:
        errors["amount"] = t(refused.args[0])
    if errors:
        return _deposit_page(request, api, form, errors=errors, status_code=422)
    try:
        done = api.exchange.record_deposit(org_id, amount_fen=amount_fen,
                                           reference=reference.strip() or None,
                                           idempotency_key=idempotency_key)
    except ApiProblem as problem:
        if problem.status not in (404, 409, 422):
            raise
        if problem.slug == "idempotency-key-reused":
            form["idempotency_key"] = str(uuid.uuid4())
        field = "org_id" if problem.status == 404 else "form"
        return _deposit_page(request, api, form, errors={field: problem.detail},
                             status_code=problem.status)
    shown = urlencode({"org": org_id, "entry": done["journal_entry_id"],
                       "amount_fen": done["amount_fen"], "balance_fen": done["balance_fen"]})
    return RedirectResponse(f"/operator/deposits?{shown}", status_code=303)

