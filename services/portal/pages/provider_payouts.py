"""The provider's payouts: the bank account on file, a payout request typed in 元 (a
hidden Idempotency-Key, so sending the form twice requests once), and the history."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response

from services.clients import ApiProblem
from services.portal.access import ApiDep, ProviderDep
from services.portal.backends import Caller
from services.portal.i18n import Translator, choose_language
from services.portal.pages.operator_accounts import AmountRefused, fen_from_yuan
from services.portal.pages.provider import see_other
from services.portal.templating import render

router = APIRouter(prefix="/provider")
BANK_FIELDS = ("account_name", "bank_name", "account_number")


def _page(request: Request, api: Caller, *, bank_form: dict[str, str] | None = None,
          amount: str = "", errors: dict[str, str] | None = None, done: str | None = None,
          status_code: int = 200) -> Response:
    try:
        account: dict[str, Any] | None = api.exchange.bank_account()
    except ApiProblem as problem:
        if problem.status != 404:
            raise
        account = None
    return render(request, "provider/payouts.html", {
        "account": account, "bank_form": bank_form or dict.fromkeys(BANK_FIELDS, ""),
        "amount": amount, "idempotency_key": str(uuid.uuid4()), "errors": errors or {},
        "balance": api.exchange.account(), "payouts": api.exchange.payouts(), "done": done},
        status_code=status_code)


@router.get("/payouts")
def payouts(request: Request, provider: ProviderDep, api: ApiDep,
            done: str | None = None) -> Response:
    """Bank account, request form, balance and the payouts so far."""
    return _page(request, api, done=done if done in ("account", "requested") else None)


@router.post("/payouts/bank-account")
def put_bank_account(request: Request, provider: ProviderDep, api: ApiDep,
                     account_name: Annotated[str, Form(max_length=100)] = "",
                     bank_name: Annotated[str, Form(max_length=100)] = "",
                     account_number: Annotated[str, Form(max_length=40)] = "") -> Response:
    """Keep the bank account; the API's refusal shows next to the field it names."""
    form = {"account_name": account_name, "bank_name": bank_name,
            "account_number": account_number}
    try:
        api.exchange.put_bank_account(form)
    except ApiProblem as problem:
        if problem.status != 422:
            raise
        field = next((f for f in BANK_FIELDS if f in problem.detail), "account_number")
        return _page(request, api, bank_form=form, errors={field: problem.detail},
                     status_code=422)
    return see_other("/provider/payouts?done=account")


@router.post("/payouts")
def request_payout(request: Request, provider: ProviderDep, api: ApiDep,
                   idempotency_key: Annotated[str, Form(min_length=1, max_length=200)],
                   amount: Annotated[str, Form(max_length=40)] = "") -> Response:
    """Request the payout; a bad amount or the API's refusal shows next to the field."""
    t = Translator(choose_language(request))
    try:
        fen = fen_from_yuan(amount)
        api.exchange.request_payout(fen, idempotency_key=idempotency_key)
    except AmountRefused as refused:
        return _page(request, api, amount=amount, errors={"amount": t(refused.args[0])},
                     status_code=422)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return _page(request, api, amount=amount, errors={"amount": problem.detail},
                     status_code=problem.status)
    return see_other("/provider/payouts?done=requested")
