"""The provider's trading: assets registered from listed datasets, their certificates
and valuations, offers made and withdrawn, incoming orders accepted or rejected."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request, Response
from pydantic import BaseModel

from services.clients import ApiProblem
from services.portal.access import ApiDep, ProviderDep
from services.portal.backends import Caller
from services.portal.pages.keys import SignatureField, has_active_key, signing_context
from services.portal.pages.provider import dataset_page_for, invalid_field, see_other
from services.portal.pages.provider_forms import FormInvalid, api_field_errors, fen_from_yuan
from services.portal.templating import render

router = APIRouter(prefix="/provider")

PLANS = ("one_time", "subscription")
COST_FIELDS = ("collection", "storage", "processing", "labour", "indirect")


class OfferForm(BaseModel):
    """The offer form as posted."""

    title: str = ""
    description: str = ""
    plan: str = "one_time"
    price_yuan: str = ""
    term_days: str = "365"
    period_days: str = ""
    rights_granted: list[str] = []


class ValuationForm(BaseModel):
    """The cost-method valuation form as posted (amounts in 元, profit rate in %)."""

    collection: str = "0"
    storage: str = "0"
    processing: str = "0"
    labour: str = "0"
    indirect: str = "0"
    profit_rate: str = "0"


def _whole(field: str, text: str) -> int:
    try:
        return int(text.strip())
    except ValueError:
        raise FormInvalid(field, "provider.error.whole") from None


def offer_body(asset_id: str, form: OfferForm) -> dict[str, Any]:
    """The exchange's offer body from the form (price typed in 元)."""
    body: dict[str, Any] = {"asset_id": asset_id, "plan": form.plan,
                            "price_fen": fen_from_yuan("price_yuan", form.price_yuan),
                            "term_days": _whole("term_days", form.term_days),
                            "description": form.description}
    if form.rights_granted:  # else the exchange derives them from the asset's rights
        body["rights_granted"] = form.rights_granted
    if form.title.strip():
        body["title"] = form.title
    if form.plan == "subscription":
        body["period_days"] = _whole("period_days", form.period_days)
    return body


def valuation_body(form: ValuationForm) -> dict[str, Any]:
    """The exchange's cost-method valuation from the form: amounts in fen, the profit
    rate in basis points (a percentage with at most two decimals)."""
    inputs = {f"{name}_fen": fen_from_yuan(name, getattr(form, name)) for name in COST_FIELDS}
    inputs["profit_rate_bps"] = fen_from_yuan("profit_rate", form.profit_rate)
    return {"method": "cost", "inputs": inputs}


def _asset_page(request: Request, api: Caller, asset_id: str, *,
                offer_form: OfferForm | None = None, valuation_form: ValuationForm | None = None,
                errors: dict[str, str] | None = None, status_code: int = 200) -> Response:
    asset = api.exchange.asset(asset_id)
    offers = [o for o in api.exchange.provider_offers(asset["owner_org_id"])["items"]
              if o["asset_id"] == asset_id]
    return render(request, "provider/asset.html", {
        "asset": asset, "offers": offers, "valuations": api.exchange.valuations(asset_id),
        "offer_form": offer_form or OfferForm(), "valuation_form": valuation_form
        or ValuationForm(), "errors": errors or {}, "plans": PLANS,
        "cost_fields": COST_FIELDS,
    }, status_code=status_code)


def _refusal(request: Request, refusal: FormInvalid | ApiProblem,
             prefix: str) -> tuple[dict[str, str], int]:
    """A refusal's messages by field (``prefix`` names the form) and the status to
    answer with; an API problem not about the input is raised for the error page."""
    if isinstance(refusal, FormInvalid):
        return invalid_field(request, refusal), 422
    if refusal.status not in (409, 422):
        raise refusal
    if refusal.slug == "right-not-grantable":
        return {"rights_granted": refusal.detail}, refusal.status
    errors = api_field_errors(refusal, {"price_fen": "price_yuan"})
    return {(f"{prefix}_{k}" if k == "form" else k): v for k, v in errors.items()}, \
        refusal.status


@router.post("/assets")
def register_asset(request: Request, _member: ProviderDep, api: ApiDep,
                   dataset_id: Annotated[str, Form(max_length=40)],
                   name: Annotated[str, Form(max_length=300)] = "",
                   rights: Annotated[list[str] | None, Form()] = None) -> Response:
    """Register an asset over a listed dataset, pinning its file hashes."""
    try:
        asset = api.exchange.register_asset({"name": name, "dataset_ids": [dataset_id],
                                             "rights": rights or []})
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return dataset_page_for(request, api, dataset_id, errors=api_field_errors(problem),
                                asset_form={"name": name, "rights": rights or []},
                                status_code=problem.status)
    return see_other(f"/provider/assets/{asset['id']}")


@router.get("/assets/{asset_id}")
def asset_page(request: Request, _member: ProviderDep, api: ApiDep, asset_id: str) -> Response:
    """An asset: its pinned datasets, valuations, offers, and forms for both."""
    return _asset_page(request, api, asset_id)


@router.get("/assets/{asset_id}/certificate")
def certificate_page(request: Request, _member: ProviderDep, api: ApiDep, asset_id: str,
                     verify: bool = False) -> Response:
    """The asset's signed registration certificate, checked by the exchange on request."""
    asset = api.exchange.asset(asset_id)
    document = api.exchange.certificate(asset_id)
    verdict = api.exchange.verify_document(document) if verify else None
    return render(request, "provider/certificate.html", {
        "asset": asset, "certificate": document, "verdict": verdict,
        "document": json.dumps(document, ensure_ascii=False, indent=2),
    })


@router.post("/assets/{asset_id}/valuations")
def value_asset(request: Request, _member: ProviderDep, api: ApiDep, asset_id: str,
                form: Annotated[ValuationForm, Form()]) -> Response:
    """Value the asset by the cost method."""
    try:
        api.exchange.value_asset(asset_id, valuation_body(form))
    except (FormInvalid, ApiProblem) as refusal:
        errors, status = _refusal(request, refusal, "valuation")
        return _asset_page(request, api, asset_id, valuation_form=form, errors=errors,
                           status_code=status)
    return see_other(f"/provider/assets/{asset_id}#valuations")


@router.post("/assets/{asset_id}/offers")
def create_offer(request: Request, _member: ProviderDep, api: ApiDep, asset_id: str,
                 form: Annotated[OfferForm, Form()]) -> Response:
    """Offer the asset on a price plan."""
    try:
        api.exchange.create_offer(offer_body(asset_id, form))
    except (FormInvalid, ApiProblem) as refusal:
        errors, status = _refusal(request, refusal, "offer")
        return _asset_page(request, api, asset_id, offer_form=form, errors=errors,
                           status_code=status)
    return see_other(f"/provider/assets/{asset_id}#offers")


@router.post("/offers/{offer_id}/withdraw")
def withdraw_offer(_member: ProviderDep, api: ApiDep, offer_id: str,
                   back: Annotated[str, Form(max_length=200)] = "/provider") -> Response:
    """Withdraw an offer; orders already placed go on."""
    api.exchange.withdraw_offer(offer_id)
    return see_other(back if back.startswith("/provider") else "/provider")


def _accept_page(request: Request, api: Caller, order_id: str,
                 problem: ApiProblem | None = None, status_code: int = 200) -> Response:
    return render(request, "provider/accept.html", {
        "order": api.exchange.order(order_id), "needs_signature": has_active_key(api),
        "signing": signing_context(problem, "accept"), "action": "accept",
    }, status_code=status_code)


@router.get("/orders/{order_id}/accept")
def accept_form(request: Request, _member: ProviderDep, api: ApiDep, order_id: str) -> Response:
    """The acceptance of a requested order, with the signature field when the
    organisation signs its acceptances."""
    return _accept_page(request, api, order_id)


@router.post("/orders/{order_id}/accept")
def accept_order(request: Request, _member: ProviderDep, api: ApiDep, order_id: str,
                 signature: SignatureField = "") -> Response:
    """Accept a requested order: the contract is concluded. Once the organisation has a
    signing key the exchange asks for its signature over the acceptance statement; the
    statement and the refusal are then shown on the acceptance page."""
    try:
        api.exchange.signed_order_action(order_id, "accept", signature.strip() or None)
    except ApiProblem as problem:
        if signing_context(problem, "accept") is None:
            raise
        return _accept_page(request, api, order_id, problem, status_code=problem.status)
    return see_other("/provider#orders")


@router.post("/orders/{order_id}/reject")
def reject_order(_member: ProviderDep, api: ApiDep, order_id: str,
                 reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Reject a requested order, saying why."""
    api.exchange.reject_order(order_id, reason)
    return see_other("/provider#orders")
