"""The regulator's pages: the ledger explorer, an entry with its in-browser inclusion
proof, a trade's timeline, checkpoints, disputes to rule on, and the trial balance."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, RegulatorDep
from services.portal.i18n import Translator, choose_language
from services.portal.pages import regulator_authorisations, regulator_relay, regulator_security
from services.portal.pages.regulator_ledger import (
    EntryFilters,
    newest_first,
    trade_timeline,
)
from services.portal.templating import render

router = APIRouter(prefix="/regulator")
router.include_router(regulator_relay.router)
router.include_router(regulator_authorisations.router)
router.include_router(regulator_security.router)

PAGE_SIZE = 25
CHECKPOINT_PAGE = 50
YUAN = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")
OUTCOMES = ("refund_full", "refund_partial", "reject")
KNOWN_TYPES = ("order.*", "order.requested", "order.accepted", "order.paid",
               "order.delivered", "order.disputed", "order.settled", "grant.*",
               "grant.issued", "grant.used", "data.accessed", "dataset.*", "asset.*",
               "money.*", "organization.*")


def _blank_to_none(value: str | None) -> str | None:
    return value.strip() or None if value else None


@router.get("")
def regulator_home(_regulator: RegulatorDep) -> Response:
    """The regulator's area opens on the ledger explorer."""
    return RedirectResponse("/regulator/ledger", status_code=303)


@router.get("/ledger")
def ledger_explorer(
    request: Request, _regulator: RegulatorDep, api: ApiDep,
    type: Annotated[str | None, Query(max_length=64)] = None,
    subject: Annotated[str | None, Query(max_length=128)] = None,
    party: Annotated[str | None, Query(max_length=128)] = None,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """Ledger entries newest first, by event type, subject (an order...) and
    organisation or actor, a page at a time."""
    filters = EntryFilters(type=_blank_to_none(type), subject=_blank_to_none(subject),
                           party=_blank_to_none(party))
    page = newest_first(api.audit, filters, before=before, page_size=PAGE_SIZE)
    return render(request, "regulator/ledger.html", {
        "filters": filters, "page": page, "known_types": KNOWN_TYPES,
        "first_page": before is None})


@router.get("/ledger/{seq}")
def ledger_entry(request: Request, _regulator: RegulatorDep, api: ApiDep, seq: int) -> Response:
    """One entry: its record, hashes and signature, and the in-browser proof check."""
    entry = api.audit.entry(seq)
    order_id = entry.record.get("payload", {}).get("order_id")
    if entry.type.startswith("order."):
        order_id = entry.subject
    return render(request, "regulator/entry.html", {"entry": entry, "order_id": order_id})


@router.get("/timeline")
def timeline_lookup(_regulator: RegulatorDep,
                    order: Annotated[str, Query(min_length=1, max_length=128)]) -> Response:
    """The explorer's "trade timeline" box: to the order's timeline."""
    return RedirectResponse(f"/regulator/orders/{order.strip()}/timeline", status_code=303)


@router.get("/orders/{order_id}/timeline")
def order_timeline(request: Request, _regulator: RegulatorDep, api: ApiDep,
                   order_id: str) -> Response:
    """A trade's whole life as the ledger records it, oldest first."""
    entries = trade_timeline(api.audit, order_id)
    return render(request, "regulator/timeline.html", {"order_id": order_id,
                                                       "entries": entries},
                  status_code=200 if entries else 404)


@router.get("/checkpoints")
def checkpoints(request: Request, _regulator: RegulatorDep, api: ApiDep,
                after: Annotated[int, Query(ge=0)] = 0) -> Response:
    """The ledger's signed checkpoints, oldest first, a page at a time."""
    listed = api.audit.checkpoints(after_size=after, limit=CHECKPOINT_PAGE)
    more = listed[-1].tree_size if len(listed) == CHECKPOINT_PAGE else None
    return render(request, "regulator/checkpoints.html", {"checkpoints": listed,
                                                          "next_after": more})


@router.post("/checkpoints")
def sign_checkpoint(_regulator: RegulatorDep, api: ApiDep,
                    next: Annotated[str, Form(max_length=200)] = "/regulator/checkpoints",
                    ) -> Response:
    """Have the ledger sign a checkpoint of its current tree now."""
    api.audit.sign_checkpoint()
    target = next if next.startswith("/regulator/") else "/regulator/checkpoints"
    return RedirectResponse(target, status_code=303)


@router.get("/disputes")
def disputes(request: Request, _regulator: RegulatorDep, api: ApiDep,
             status: Annotated[str, Query(pattern="^(open|ruled)$")] = "open") -> Response:
    """Disputes waiting for a ruling (or already ruled), newest first."""
    listed = api.exchange.disputes(status=status, limit=100)
    return render(request, "regulator/disputes.html", {"disputes": listed, "status": status})


def _dispute_page(request: Request, api: ApiDep, dispute_id: str, *, form: dict[str, Any],
                  errors: dict[str, str], status_code: int = 200) -> Response:
    dispute = api.exchange.dispute(dispute_id)
    return render(request, "regulator/dispute.html", {
        "dispute": dispute, "form": form, "errors": errors, "outcomes": OUTCOMES,
        "ruled_now": request.query_params.get("ruled") == "1"}, status_code=status_code)


@router.get("/disputes/{dispute_id}")
def dispute_page(request: Request, _regulator: RegulatorDep, api: ApiDep,
                 dispute_id: str) -> Response:
    """One dispute, its evidence, and the ruling form while it is open."""
    return _dispute_page(request, api, dispute_id, form={}, errors={})


def fen_from_yuan(text: str) -> int:
    """``"12.5"`` 元 as 1250 fen, exactly (Decimal, no floats); ValueError for anything
    but a plain non-negative amount with at most two decimals."""
    cleaned = text.strip()
    if not YUAN.fullmatch(cleaned):
        raise ValueError(text)
    return int(Decimal(cleaned) * 100)


def _ruling(t: Translator, outcome: str, refund_yuan: str,
            reason: str) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    body: dict[str, Any] = {"outcome": outcome, "reason": reason.strip()}
    if outcome not in OUTCOMES:
        errors["outcome"] = t("regulator.ruling.outcome_required")
    if not body["reason"]:
        errors["reason"] = t("regulator.ruling.reason_required")
    if outcome == "refund_partial":
        try:
            body["refund_fen"] = fen_from_yuan(refund_yuan)
        except ValueError:
            errors["refund_yuan"] = t("regulator.ruling.refund_invalid")
    return body, errors


@router.post("/disputes/{dispute_id}/rule")
def rule_dispute(
    request: Request, _regulator: RegulatorDep, api: ApiDep, dispute_id: str,
    outcome: Annotated[str, Form(max_length=20)] = "",
    refund_yuan: Annotated[str, Form(max_length=20)] = "",
    reason: Annotated[str, Form(max_length=4000)] = "",
    cited: Annotated[list[int] | None, Form()] = None,
) -> Response:
    """Send the ruling, citing the evidence ticked; the exchange's refusals show on the
    form."""
    t = Translator(choose_language(request))
    form = {"outcome": outcome, "refund_yuan": refund_yuan, "reason": reason,
            "cited": cited or []}
    body, errors = _ruling(t, outcome, refund_yuan, reason)
    body["cited_evidence"] = sorted(set(cited or []))
    if errors:
        return _dispute_page(request, api, dispute_id, form=form, errors=errors,
                             status_code=400)
    try:
        api.exchange.rule_dispute(dispute_id, body)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        field = {"invalid-refund": "refund_yuan", "citation-required": "cited",
                 "cites-unknown-evidence": "cited"}.get(problem.slug, "form")
        return _dispute_page(request, api, dispute_id, form=form,
                             errors={field: problem.detail}, status_code=problem.status)
    return RedirectResponse(f"/regulator/disputes/{dispute_id}?ruled=1", status_code=303)


@router.get("/trial-balance")
def trial_balance(request: Request, _regulator: RegulatorDep, api: ApiDep) -> Response:
    """Every journal account's balance, and whether money is conserved."""
    balance = api.exchange.trial_balance()
    return render(request, "regulator/trial_balance.html", {"balance": balance})
