"""Two whole trades over real HTTP with the three services and the relay as processes:
one settled with a voucher, one ending in a dispute and a partial refund; then the
regulator exports the ledger, verifies it offline and reconstructs both trades from it."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest

from services.audit.verify import verify_bundle
from services.exchange.certificates.verify import verify_files
from services.shared.canonical import canonical_sha256
from tests.e2e.ledger_client import ledger_entries, wait_for
from tests.e2e.processes import ServiceProcesses
from tests.e2e.trading_client import Party, TradingFloor

pytestmark = pytest.mark.e2e

PRICE = 50_000
FEE = 1_500  # 3 % of 50,000
CSV = "date,line,riders\n2024-01-01,1号线,120345\n2024-01-02,1号线,118002\n".encode()


def save(path: Path, document: Any) -> Path:
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    return path


def dataex(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the ``dataex`` command."""
    return subprocess.run([sys.executable, "-m", "services.cli.main", *args],
                          capture_output=True, text=True, timeout=60)


def trade_events(entries: list[dict[str, Any]], order_id: str) -> list[dict[str, Any]]:
    """The ledger entries about one order (order moves carry its id as subject; grants
    and disputes name it in their payload)."""
    return [e for e in entries
            if e["subject"] == order_id or e["record"]["payload"].get("order_id") == order_id]


def test_a_settled_trade_and_a_disputed_one(processes: ServiceProcesses, tmp_path: Path) -> None:
    processes.start("relay", command="relay")
    floor = TradingFloor(processes)
    provider = floor.member(name="杭州市数据资源管理局", credit_code="11330100MB1H00000Q",
                            roles=["provider"], username="hz-data")
    buyer = floor.member(name="杭州云图数据科技有限公司", credit_code="91110108551385082Q",
                         roles=["buyer"], username="yuntu")
    regulator = floor.regulator()

    # Listing, registration and certificate (verified offline with the saved keys).
    dataset = floor.list_dataset(provider, csv=CSV, schema=[
        {"name": "date", "type": "date", "required": True},
        {"name": "line", "type": "string"}, {"name": "riders", "type": "integer"}])
    uploaded = dataset["uploaded_file"]
    assert [f["sha256"] for f in dataset["files"]] == [uploaded["sha256"]]
    catalog_score = dataset["quality"]["overall_score"]
    asset = floor.certified_asset(provider, [dataset["id"]])
    assert asset["status"] == "registered"
    assert asset["datasets"][0]["metadata_sha256"] == dataset["metadata_sha256"]
    assert asset["datasets"][0]["content_basis"] == "files"
    assert int(Decimal(str(catalog_score)).quantize(Decimal(1), ROUND_HALF_UP)) == \
        asset["quality_score"]
    certificate = floor.call("GET", "exchange", f"/v1/assets/{asset['id']}/certificate")
    assert [f["sha256"] for f in certificate["dataset_hashes"][0]["files"]] == \
        [uploaded["sha256"]]
    keys = save(tmp_path / "jwks.json", floor.call("GET", "exchange", "/v1/signing-keys"))
    assert verify_files(save(tmp_path / "certificate.json", certificate), keys).valid
    assert dataex("certificate", "verify", str(tmp_path / "certificate.json"),
                  "--jwks", str(keys)).returncode == 0
    forged = save(tmp_path / "forged.json", {**certificate, "rights": ["holding"]})
    refused = dataex("certificate", "verify", str(forged), "--jwks", str(keys))
    assert refused.returncode == 1 and "INVALID" in refused.stdout

    # Valuation (the cost method takes the catalog's quality score) and offer.
    valuation = floor.call("POST", "exchange", f"/v1/assets/{asset['id']}/valuations",
                           provider, expect=201, json={"method": "cost", "inputs": {
                               "collection_fen": 300_000, "storage_fen": 50_000,
                               "processing_fen": 100_000, "labour_fen": 50_000,
                               "profit_rate_bps": 2000}})
    assert valuation["report"]["inputs"]["quality_score"] == asset["quality_score"]
    assert valuation["value_fen"] == 600_000 * asset["quality_score"] // 100
    offer = floor.call("POST", "exchange", "/v1/offers", provider, expect=201, json={
        "asset_id": asset["id"], "plan": "one_time", "price_fen": PRICE, "term_days": 30,
        "policy": {"purposes": ["commercial", "research"]}})

    # Story 1: order, accept, pay (retried), grant, confirm, voucher.
    floor.deposit(buyer, 2 * PRICE)
    order = floor.order(buyer, offer["id"])
    floor.call("POST", "exchange", f"/v1/orders/{order['id']}/accept", provider)
    paid = floor.pay(buyer, order["id"], "pay-story-1")
    assert floor.pay(buyer, order["id"], "pay-story-1") == paid
    assert floor.balances(buyer) == (PRICE, PRICE)
    grant = floor.call("GET", "exchange", f"/v1/orders/{order['id']}/grant", buyer)
    grant_headers = {"Authorization": f"Bearer {grant['token']}"}
    seen_by_catalog = floor.call("GET", "catalog", "/v1/whoami", headers=grant_headers)
    assert (seen_by_catalog["kind"], seen_by_catalog["subject"]) == ("grant", grant["grant_id"])
    content_path = f"/v1/datasets/{dataset['id']}/files/{uploaded['id']}/content"
    refused = floor.http.get(floor.url("catalog", content_path), headers=buyer.headers)
    assert refused.status_code in (401, 403)
    download = floor.http.get(floor.url("catalog", content_path), headers=grant_headers)
    assert download.status_code == 200, download.text
    assert hashlib.sha256(download.content).hexdigest() == uploaded["sha256"]
    catalog_service = floor.service_headers("catalog", "dataex-exchange")
    status = floor.call("GET", "exchange", f"/v1/grants/{grant['grant_id']}",
                        headers=catalog_service)
    assert (status["status"], status["dataset_ids"]) == ("active", [dataset["id"]])
    settled = floor.call("POST", "exchange", f"/v1/orders/{order['id']}/confirm", buyer)
    assert (settled["status"], settled["fee_fen"], settled["provider_net_fen"]) == \
        ("settled", FEE, PRICE - FEE)
    assert floor.balances(provider) == (PRICE - FEE, 0)

    def voucher_with_seq() -> dict[str, Any] | None:
        doc = floor.call("GET", "exchange", f"/v1/orders/{order['id']}/voucher", buyer)
        return doc if doc["ledger"]["seq"] is not None else None

    voucher = wait_for(voucher_with_seq)
    assert verify_files(save(tmp_path / "voucher.json", voucher), keys).valid
    assert voucher["contract_sha256"] == order["contract_sha256"]

    # Story 2: a second order, disputed after delivery, partly refunded by the regulator.
    second = floor.order(buyer, offer["id"], purpose_category="research")
    floor.call("POST", "exchange", f"/v1/orders/{second['id']}/accept", provider)
    floor.pay(buyer, second["id"], "pay-story-2")
    floor.call("GET", "exchange", f"/v1/orders/{second['id']}/grant", buyer)
    paid_entry = wait_for(lambda: next(
        (e for e in ledger_entries(processes, _bearer(regulator))
         if e["type"] == "order.paid" and e["subject"] == second["id"]), None))
    dispute = floor.call("POST", "exchange", "/v1/disputes", buyer, expect=201, json={
        "order_id": second["id"], "reason": "交付的数据缺少两个月份",
        "evidence": [{"ledger_seq": paid_entry["seq"], "note": "付款记录"}]})
    floor.call("POST", "exchange", f"/v1/disputes/{dispute['id']}/answer", provider,
               json={"statement": "数据按目录交付"})
    ruled = floor.call("POST", "exchange", f"/v1/disputes/{dispute['id']}/rule", regulator,
                       json={"outcome": "refund_partial", "refund_fen": 20_000,
                             "reason": "缺失数据约占四成",
                             "cited_evidence": [paid_entry["seq"]]})
    assert ruled["status"] == "ruled"
    assert floor.balances(buyer) == (20_000, 0)
    assert floor.balances(provider) == (PRICE - FEE + 30_000 - 900, 0)
    trial = floor.call("GET", "exchange", "/v1/accounts/trial-balance", regulator)
    assert trial["balanced"] is True

    # A metered offer: each download is counted at the exchange before it is served.
    metered = floor.call("POST", "exchange", "/v1/offers", provider, expect=201, json={
        "asset_id": asset["id"], "plan": "metered", "price_fen": 0, "unit": "call",
        "tiers": [{"up_to": None, "unit_price_fen": 100}], "term_days": 30,
        "policy": {"purposes": ["commercial", "research"]}})
    floor.deposit(buyer, 100)
    third = floor.order(buyer, metered["id"], quantity=1)
    floor.call("POST", "exchange", f"/v1/orders/{third['id']}/accept", provider)
    floor.pay(buyer, third["id"], "pay-story-3")
    metered_grant = floor.call("GET", "exchange", f"/v1/orders/{third['id']}/grant", buyer)
    metered_headers = {"Authorization": f"Bearer {metered_grant['token']}"}
    counted = floor.http.get(floor.url("catalog", content_path), headers=metered_headers)
    assert counted.status_code == 200 and counted.content == CSV
    used_up = floor.http.get(floor.url("catalog", content_path), headers=metered_headers)
    assert used_up.status_code == 403
    assert used_up.json()["type"] == "urn:dataex:problem:quota-exceeded"

    # The regulator reconstructs both trades from the ledger alone, then verifies it.
    def both_settled() -> list[dict[str, Any]] | None:
        entries = ledger_entries(processes, _bearer(regulator))
        settled_subjects = {e["subject"] for e in entries if e["type"] == "order.settled"}
        return entries if {order["id"], second["id"]} <= settled_subjects else None

    entries = wait_for(both_settled)
    first_trade = trade_events(entries, order["id"])
    assert [e["type"] for e in first_trade] == [
        "order.requested", "order.accepted", "order.paid", "grant.issued", "order.delivered",
        "order.settled"]
    requested = first_trade[0]["record"]["payload"]
    assert (requested["buyer_org_id"], requested["provider_org_id"], requested["amount_fen"]) \
        == (buyer.org_id, provider.org_id, PRICE)
    assert requested["contract_sha256"] == order["contract_sha256"]
    assert requested["dataset_hashes"][0]["metadata_sha256"] == dataset["metadata_sha256"]
    settlement = first_trade[-1]["record"]["payload"]
    assert (settlement["fee_fen"], settlement["provider_net_fen"]) == (FEE, PRICE - FEE)
    assert sum(p["amount_fen"] for p in settlement["postings"]) == 0
    assert settlement["voucher_id"] == voucher["voucher_id"]
    assert first_trade[-1]["seq"] == voucher["ledger"]["seq"]
    second_trade = [e["type"] for e in trade_events(entries, second["id"])]
    assert second_trade == ["order.requested", "order.accepted", "order.paid", "grant.issued",
                            "order.delivered", "order.disputed", "dispute.answered",
                            "order.settled"]
    ruling = trade_events(entries, second["id"])[-1]["record"]["payload"]
    assert (ruling["outcome"], ruling["refunded_fen"]) == ("refund_partial", 20_000)
    def metered_usage() -> tuple[dict[str, Any], dict[str, Any]] | None:
        found = ledger_entries(processes, _bearer(regulator))
        used = [e for e in found if e["type"] == "grant.used"]
        accessed = [e for e in found if e["type"] == "data.accessed"
                    and e["record"]["payload"].get("grant_id") == metered_grant["grant_id"]]
        return (used[0], accessed[0]) if used and accessed else None

    used, accessed = wait_for(metered_usage)
    assert used["record"]["payload"]["report_id"] == \
        accessed["record"]["payload"]["usage"]["report_id"]
    assert (used["record"]["payload"]["used_calls"], used["record"]["payload"]["quota"]) == \
        (1, 1)
    registered = next(e for e in entries if e["type"] == "asset.certified")
    assert registered["record"]["payload"]["certificate_sha256"] == canonical_sha256(certificate)

    floor.call("POST", "audit", "/v1/checkpoints", regulator)
    export = floor.http.get(floor.url("audit", "/v1/export"), headers=_bearer(regulator))
    assert export.status_code == 200
    bundle = tmp_path / "ledger.jsonl"
    bundle.write_bytes(export.content)
    report = verify_bundle(str(bundle), workers=1)
    assert report.ok, report.failure
    assert report.entries >= len(entries)


def _bearer(party: Party) -> dict[str, str]:
    return party.headers
