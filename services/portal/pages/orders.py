"""The buyer's pages: order an offer, the list of orders, and one order with its
timeline, contract and next steps (pay, cancel, confirm receipt, dispute).

Every form carries the CSRF token; the order and pay forms also carry an
Idempotency-Key made when the form was drawn, so that a resubmitted form replays the
exchange's first answer instead of ordering or paying twice.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, BuyerDep
from services.portal.backends import Caller
from services.portal.i18n import Translator, choose_language
from services.portal.pages.disputes import (
    citable_entries,
    cited,
    dispute_errors,
    order_dispute,
)
from services.portal.pages.keys import SignatureField, has_active_key, signing_context
from services.portal.pages.membership import field_errors
from services.portal.templating import render

router = APIRouter()

PAGE_SIZE = 20
ORDER_STATES = ("requested", "accepted", "paid", "delivered", "settled", "disputed",
                "refunded", "rejected", "cancelled", "expired")
ALL_PURPOSES = ("commercial", "research", "public_welfare", "government")
# States in which the buyer holds an access grant and may download.
GRANTED_STATES = frozenset({"paid", "delivered", "disputed", "settled"})
# What a successful form did, shown as a notice on the order page after the redirect.
DONE_NOTICES = frozenset({"placed", "paid", "cancelled", "settled", "disputed"})
# Refusals a form shows on its page; others (401, 404, 5xx) go to the error pages.
SHOWN_ON_FORM = frozenset({400, 403, 409, 422})

# The buyer's steps its organisation signs once it has registered a key.
SIGNED_ACTIONS = frozenset({"pay", "confirm"})

IdempotencyField = Annotated[str, Form(min_length=8, max_length=100)]


def idempotency_key() -> str:
    """A fresh Idempotency-Key for a form about to be drawn."""
    return f"portal-{secrets.token_urlsafe(18)}"


def permitted_purposes(offer: dict[str, Any]) -> tuple[str, ...]:
    """The purpose categories the offer's usage policy allows ("any" allows them all)."""
    named = tuple((offer.get("usage") or {}).get("purposes") or ("any",))
    return ALL_PURPOSES if "any" in named else tuple(p for p in ALL_PURPOSES if p in named)


def order_form_errors(problem: ApiProblem) -> dict[str, str]:
    """The exchange's refusal of an order, by form field where it names one."""
    if problem.slug == "purpose-not-permitted":
        return {"purpose_category": problem.detail}
    return field_errors(problem)


def _order_form(request: Request, offer: dict[str, Any], form: dict[str, Any],
                errors: dict[str, str], status_code: int = 200) -> Response:
    return render(request, "buyer/order_new.html", {
        "offer": offer, "form": form, "errors": errors,
        "purposes": permitted_purposes(offer)}, status_code=status_code)


@router.get("/offers/{offer_id}/order")
def order_form(request: Request, buyer: BuyerDep, api: ApiDep, offer_id: str) -> Response:
    """The offer's contract terms and the order form (purpose, acceptance of the terms)."""
    offer = api.exchange.offer(offer_id)
    form = {"purpose": "", "purpose_category": permitted_purposes(offer)[0],
            "quantity": "", "accept_terms": False, "idempotency_key": idempotency_key()}
    return _order_form(request, offer, form, {})


@router.post("/offers/{offer_id}/order")
def place_order(request: Request, buyer: BuyerDep, api: ApiDep, offer_id: str,
                idempotency_key: IdempotencyField,
                purpose: Annotated[str, Form(max_length=1000)] = "",
                purpose_category: Annotated[str, Form(max_length=40)] = "commercial",
                quantity: Annotated[str, Form(max_length=12)] = "",
                accept_terms: Annotated[str | None, Form(max_length=10)] = None) -> Response:
    """Order the offer with the form's key; the new order's page, or the form again with
    the refusal next to its field."""
    offer = api.exchange.offer(offer_id)
    form = {"purpose": purpose, "purpose_category": purpose_category, "quantity": quantity,
            "accept_terms": accept_terms == "yes", "idempotency_key": idempotency_key}
    t = Translator(choose_language(request))
    errors: dict[str, str] = {}
    if not form["accept_terms"]:
        errors["accept_terms"] = t("order.must_accept")
    if quantity.strip() and not (quantity.strip().isdigit() and int(quantity) > 0):
        errors["quantity"] = t("order.quantity_invalid")
    if errors:
        return _order_form(request, offer, form, errors, status_code=422)
    body: dict[str, Any] = {"offer_id": offer_id, "purpose": purpose,
                            "purpose_category": purpose_category}
    if quantity.strip():
        body["quantity"] = int(quantity)
    try:
        order = api.exchange.place_order(body, idempotency_key=idempotency_key)
    except ApiProblem as problem:
        if problem.status not in SHOWN_ON_FORM:
            raise
        return _order_form(request, offer, form, order_form_errors(problem),
                           status_code=problem.status)
    return RedirectResponse(f"/orders/{order['id']}?done=placed", status_code=303)


@router.get("/orders")
def orders_page(request: Request, buyer: BuyerDep, api: ApiDep,
                status: Annotated[str | None, Query(max_length=20)] = None,
                cursor: Annotated[str | None, Query(max_length=100)] = None) -> Response:
    """The buyer's orders, newest first, with their states; filter by state, page on."""
    chosen = status if status in ORDER_STATES else None
    page = api.exchange.orders(role="buyer", status=chosen, cursor=cursor, limit=PAGE_SIZE)
    return render(request, "buyer/orders.html", {"page": page, "status": chosen,
                                                 "states": ORDER_STATES})


def downloadable_files(contract: dict[str, Any]) -> list[dict[str, Any]]:
    """The files the contract pins (dataset id, file id, rows, bytes)."""
    files: list[dict[str, Any]] = []
    for pinned in contract["document"].get("asset", {}).get("dataset_hashes") or []:
        for file in pinned.get("files") or []:
            files.append({**file, "dataset_id": pinned["dataset_id"]})
    return files


def grant_record(api: Caller, order_id: str) -> dict[str, Any] | None:
    """The order's grant as the exchange records it (None when there is none)."""
    try:
        return api.exchange.order_grant_record(order_id)
    except ApiProblem as problem:
        if problem.status != 404:
            raise
        return None


def order_view(request: Request, api: Caller, order_id: str, *,
               problem: ApiProblem | None = None, errors: dict[str, str] | None = None,
               form: dict[str, Any] | None = None, signing: dict[str, Any] | None = None,
               status_code: int = 200) -> Response:
    """The order page: facts, timeline, contract and the forms of the buyer's next steps
    (with the signature field once the buyer's organisation signs them)."""
    order = api.exchange.order(order_id)
    contract = api.exchange.order_contract(order_id)
    actions = set(order["next_actions"])
    account = api.exchange.account() if "pay" in actions else None
    entries = citable_entries(api, order_id) if "dispute" in actions else []
    grant = grant_record(api, order_id) if order["status"] in GRANTED_STATES else None
    dispute = order_dispute(api, order)
    revoked = grant is not None and grant["status"] == "revoked"
    needs_signature = bool(actions & SIGNED_ACTIONS) and has_active_key(api)
    done = request.query_params.get("done")
    return render(request, "buyer/order.html", {
        "order": order, "contract": contract, "actions": actions, "account": account,
        "contract_json": json.dumps(contract["document"], ensure_ascii=False, indent=2),
        "files": downloadable_files(contract)
        if order["status"] in GRANTED_STATES and not revoked else [],
        "grant": grant, "dispute": dispute,
        "problem": problem, "errors": errors or {},
        "form": form or {"statement": "", "evidence": []}, "entries": entries,
        "pay_key": idempotency_key(),
        "signing": signing, "needs_signature": needs_signature,
        "done": done if done in DONE_NOTICES else None,
    }, status_code=status_code)


@router.get("/orders/{order_id}")
def order_page(request: Request, buyer: BuyerDep, api: ApiDep, order_id: str) -> Response:
    """One of the buyer's orders (another organisation's is the exchange's 404)."""
    return order_view(request, api, order_id)


def _act(request: Request, api: Caller, order_id: str, done: str,
         call: Callable[[], Any], action: str = "") -> Response:
    """Take one step on the order; back to its page with a notice, or the page again with
    the exchange's refusal (next to the signature field when it is about the
    signature, with the statement to sign)."""
    try:
        call()
    except ApiProblem as problem:
        if problem.status not in SHOWN_ON_FORM:
            raise
        signing = signing_context(problem, action) if action else None
        return order_view(request, api, order_id, problem=None if signing else problem,
                          signing=signing, status_code=problem.status)
    return RedirectResponse(f"/orders/{order_id}?done={done}", status_code=303)


@router.post("/orders/{order_id}/pay")
def pay(request: Request, buyer: BuyerDep, api: ApiDep, order_id: str,
        idempotency_key: IdempotencyField, signature: SignatureField = "") -> Response:
    """Pay into escrow with the form's key (a resubmission is not charged twice), signed
    when the organisation signs its acceptances."""
    return _act(request, api, order_id, "paid", lambda: api.exchange.signed_order_action(
        order_id, "pay", signature.strip() or None, idempotency_key=idempotency_key), "pay")


@router.post("/orders/{order_id}/cancel")
def cancel(request: Request, buyer: BuyerDep, api: ApiDep, order_id: str) -> Response:
    """Cancel an order not yet paid."""
    return _act(request, api, order_id, "cancelled",
                lambda: api.exchange.cancel_order(order_id))


@router.post("/orders/{order_id}/confirm")
def confirm(request: Request, buyer: BuyerDep, api: ApiDep, order_id: str,
            signature: SignatureField = "") -> Response:
    """Confirm receipt: the order settles and the voucher is issued (signed when the
    organisation signs its confirmations)."""
    return _act(request, api, order_id, "settled", lambda: api.exchange.signed_order_action(
        order_id, "confirm", signature.strip() or None), "confirm")


@router.post("/orders/{order_id}/dispute")
def dispute(request: Request, buyer: BuyerDep, api: ApiDep, order_id: str,
            statement: Annotated[str, Form(max_length=4000)] = "",
            evidence: Annotated[list[int] | None, Form()] = None) -> Response:
    """Open a dispute with the buyer's statement and the ledger entries it cites; a
    refusal shows next to its field."""
    try:
        api.exchange.dispute_order(order_id, statement, cited(evidence or []))
    except ApiProblem as problem:
        errors = dispute_errors(problem)
        return order_view(request, api, order_id, problem=problem if "form" in errors else None,
                          errors=errors, form={"statement": statement,
                                               "evidence": evidence or []},
                          status_code=problem.status)
    return RedirectResponse(f"/orders/{order_id}?done=disputed", status_code=303)
