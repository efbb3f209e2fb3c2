"""What a buyer receives: the bought files, streamed through the portal with the order's
access grant, and the signed trade voucher, checked by the exchange's verify endpoint
and offered as JSON."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request, Response
from starlette.exceptions import HTTPException

from services.clients import ApiProblem, BearerToken, CatalogClient
from services.portal.access import ApiDep, BuyerDep
from services.portal.backends import Backends, Caller
from services.portal.pages.orders import downloadable_files
from services.portal.streaming import streamed_file
from services.portal.templating import render

router = APIRouter()


@router.get("/orders/{order_id}/files/{dataset_id}/{file_id}")
def download(request: Request, buyer: BuyerDep, api: ApiDep, order_id: str,
             dataset_id: str, file_id: str) -> Response:
    """A file the order's contract pins: the portal fetches a grant token for the buyer
    (the first marks the order delivered) and streams the file from the catalog."""
    pinned = downloadable_files(api.exchange.order_contract(order_id))
    if not any(f["dataset_id"] == dataset_id and f["id"] == file_id for f in pinned):
        raise HTTPException(404)
    grant = api.exchange.order_grant(order_id)
    backends: Backends = request.app.state.backends
    catalog = CatalogClient(backends.catalog.as_caller(BearerToken(grant["token"])))
    return streamed_file(catalog, dataset_id, file_id)


@router.get("/orders/{order_id}/voucher")
def voucher_page(request: Request, buyer: BuyerDep, api: ApiDep, order_id: str) -> Response:
    """The signed trade voucher, the exchange's verdict on its signature, and the
    voucher's ledger proof with the ledger's published keys, which the browser checks
    itself (static/voucher_proof.js)."""
    voucher = api.exchange.order_voucher(order_id)
    verdict = api.exchange.verify_document(voucher)
    ledger = voucher.get("ledger") or {}
    proven = "inclusion_proof" in ledger
    return render(request, "buyer/voucher.html", {
        "order_id": order_id, "voucher": voucher, "verdict": verdict,
        "ledger": ledger if proven else None,
        "ledger_keys": ledger_keys(api) if proven else None,
        "voucher_json": json.dumps(voucher, ensure_ascii=False, indent=2)})


def ledger_keys(api: Caller) -> dict[str, Any] | None:
    """The ledger's published checkpoint and source keys (None while it is away)."""
    try:
        return api.audit.keys()
    except ApiProblem:
        return None


@router.get("/orders/{order_id}/voucher.json")
def voucher_json(buyer: BuyerDep, api: ApiDep, order_id: str) -> Response:
    """The voucher as a JSON file to keep (it verifies offline with the exchange's keys)."""
    voucher = api.exchange.order_voucher(order_id)
    body = json.dumps(voucher, ensure_ascii=False, indent=2).encode()
    return Response(body, media_type="application/json", headers={
        "Content-Disposition": f'attachment; filename="voucher-{order_id}.json"'})
