"""The operator's desk: the three review queues (membership applications, dataset
listings, asset registrations), each item's page, approve / reject with a reason, and
the settlement sweep run on demand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Form, HTTPException, Query, Request, Response
from fastapi.responses import RedirectResponse

from services.clients import ApiProblem
from services.portal.access import ApiDep, OperatorDep
from services.portal.backends import Caller
from services.portal.i18n import Translator, choose_language
from services.portal.templating import render

router = APIRouter(prefix="/operator")

# How many waiting items the desk asks each API for; more shows as "N+".
MEMBERSHIP_SCAN = 500
LISTING_SCAN = 100
ASSET_SCAN = 200

Decision = Literal["approve", "reject"]
SWEEP_FIELDS = ("expired_orders", "settled_orders", "expired_grants", "forgotten_keys")


@dataclass(frozen=True)
class Waiting:
    """One queue's waiting items, as the desk lists them, and whether there are more."""

    items: list[dict[str, Any]]
    more: bool

    @property
    def count(self) -> str:
        """How many are waiting (``100+`` when the API has more than one page)."""
        return f"{len(self.items)}+" if self.more else str(len(self.items))


@dataclass(frozen=True)
class Queue:
    """A review queue: the status its items wait in, the approve button's message key,
    and how to list the waiting items, fetch one, and decide it."""

    kind: str
    open_status: str
    approve_label: str
    waiting: Callable[[Caller], Waiting]
    fetch: Callable[[Caller, str], dict[str, Any]]
    decide: Callable[[Caller, str, bool, str], dict[str, Any]]


def _pending_memberships(api: Caller) -> Waiting:
    items = api.exchange.organizations(status="pending", limit=MEMBERSHIP_SCAN)
    return Waiting(items, more=len(items) == MEMBERSHIP_SCAN)


def _submitted_listings(api: Caller) -> Waiting:
    page = api.catalog.search({"status": "submitted", "limit": LISTING_SCAN})
    return Waiting(page["items"], more=bool(page.get("next_cursor")))


def _pending_assets(api: Caller) -> Waiting:
    page = api.exchange.assets_in_status("pending", limit=ASSET_SCAN)
    return Waiting(page["items"], more=bool(page.get("next_cursor")))


QUEUES: dict[str, Queue] = {
    "memberships": Queue(
        "memberships", "pending", "operator.approve", _pending_memberships,
        fetch=lambda api, item: api.exchange.organization(item),
        decide=lambda api, item, approve, reason: api.exchange.decide_membership(
            item, approve=approve, reason=reason)),
    "listings": Queue(
        "listings", "submitted", "operator.approve_listing", _submitted_listings,
        fetch=lambda api, item: api.catalog.dataset_document(item),
        decide=lambda api, item, approve, reason: api.catalog.review_dataset(
            item, approve=approve, reason=reason)),
    "assets": Queue(
        "assets", "pending", "operator.approve_asset", _pending_assets,
        fetch=lambda api, item: api.exchange.asset(item),
        decide=lambda api, item, approve, reason: api.exchange.review_asset(
            item, approve=approve, reason=reason)),
}

# What the desk may be told after a decision (anything else in ``?done=`` is ignored).
NOTICES = frozenset(f"{kind}.{outcome}" for kind in QUEUES
                    for outcome in ("approved", "rejected"))


def queue_of(kind: str) -> Queue:
    """The queue named in the path; 404 for any other name."""
    queue = QUEUES.get(kind)
    if queue is None:
        raise HTTPException(status_code=404)
    return queue


def _sweep_report(request: Request) -> dict[str, int] | None:
    """The counts of a sweep just run, as the redirect to the desk carries them."""
    if request.query_params.get("swept") != "1":
        return None
    values = {name: request.query_params.get(name, "0") for name in SWEEP_FIELDS}
    return {name: int(value) if value.isdigit() else 0 for name, value in values.items()}


@router.get("")
def desk(request: Request, operator: OperatorDep, api: ApiDep,
         done: Annotated[str | None, Query(max_length=40)] = None) -> Response:
    """The three queues with their counts, and the outcome of the last decision or
    sweep."""
    queues = {kind: queue.waiting(api) for kind, queue in QUEUES.items()}
    return render(request, "operator/desk.html", {
        "queues": queues, "notice": done if done in NOTICES else None,
        "swept": _sweep_report(request)})


@router.post("/sweep")
def sweep(operator: OperatorDep, api: ApiDep) -> Response:
    """Run order expiry and auto-settlement now; the desk says what it did."""
    report = api.exchange.sweep()
    counts = urlencode({name: int(report.get(name, 0)) for name in SWEEP_FIELDS})
    return RedirectResponse(f"/operator?swept=1&{counts}", status_code=303)


def _item_context(api: Caller, queue: Queue, item: dict[str, Any]) -> dict[str, Any]:
    """What an item's page shows besides the item: an asset's owner by name."""
    if queue.kind == "assets":
        return {"owner": api.exchange.organization(item["owner_org_id"])}
    if queue.kind == "listings":
        return {"themes": {t["code"]: t for t in api.catalog.themes()}}
    return {}


def _review_page(request: Request, api: Caller, queue: Queue, item_id: str, *,
                 errors: dict[str, str] | None = None, reason: str = "",
                 status_code: int = 200) -> Response:
    item = queue.fetch(api, item_id)
    return render(request, f"operator/review_{queue.kind}.html", {
        "kind": queue.kind, "item": item, "errors": errors or {}, "reason": reason,
        "action": f"/operator/{queue.kind}/{item_id}/decision",
        "undecided": item.get("status") == queue.open_status,
        "approve_label": queue.approve_label,
        **_item_context(api, queue, item)}, status_code=status_code)


@router.get("/{kind}/{item_id}")
def review_page(request: Request, operator: OperatorDep, api: ApiDep, kind: str,
                item_id: str) -> Response:
    """One waiting item with its facts and the approve and reject forms."""
    return _review_page(request, api, queue_of(kind), item_id)


@router.post("/{kind}/{item_id}/decision")
def decide(request: Request, operator: OperatorDep, api: ApiDep, kind: str, item_id: str,
           decision: Annotated[Decision, Form()],
           reason: Annotated[str, Form(max_length=2000)] = "") -> Response:
    """Approve, or reject with a reason (refused here when blank); the API's refusal
    (already decided, important data not yet approved by the regulator) shows on the
    item's page."""
    queue = queue_of(kind)
    reason = reason.strip()
    approve = decision == "approve"
    if not approve and not reason:
        t = Translator(choose_language(request))
        return _review_page(request, api, queue, item_id, status_code=422,
                            errors={"reason": t("operator.reason_required")})
    try:
        queue.decide(api, item_id, approve, reason)
    except ApiProblem as problem:
        if problem.status not in (409, 422):
            raise
        return _review_page(request, api, queue, item_id, reason=reason,
                            errors={"form": problem.detail}, status_code=problem.status)
    outcome = "approved" if approve else "rejected"
    return RedirectResponse(f"/operator?done={kind}.{outcome}", status_code=303)
