"""Asset registration over the catalog's real dataset document: the files' hashes are
pinned and certified, and the cost method takes the catalog's quality score."""

from __future__ import annotations

import hashlib
from decimal import ROUND_HALF_UP, Decimal

import pytest

from services.exchange.certificates.verify import verify_document
from services.shared.canonical import canonical_sha256
from tests.exchange.file_trading import CSV, listed_with_file, upload
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def half_up(score: float) -> int:
    return int(Decimal(str(score)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_an_asset_pins_and_certifies_the_files(market: Market) -> None:
    dataset, uploaded = listed_with_file(market)
    assert uploaded["sha256"] == hashlib.sha256(CSV).hexdigest()
    assert [f["id"] for f in dataset["files"]] == [uploaded["id"]]
    score = dataset["quality"]["overall_score"]
    assert isinstance(score, float) and 0 < score <= 100

    response = market.exchange.post("/v1/assets", headers=bearer(market.provider), json={
        "name": "公共交通客流数据资产", "dataset_ids": [dataset["id"]],
        "rights": ["holding", "processing"]})
    assert response.status_code == 201, response.text
    asset = response.json()
    [pinned] = asset["datasets"]
    assert pinned["content_basis"] == "files"
    assert pinned["revision"] == dataset["revision"]
    assert pinned["metadata_sha256"] == dataset["metadata_sha256"]
    assert pinned["files"] == [{"id": uploaded["id"], "sha256": uploaded["sha256"],
                                "rows": 4, "bytes": len(CSV)}]
    assert pinned["content_sha256"] == canonical_sha256({
        "dataset_id": dataset["id"], "revision": dataset["revision"],
        "metadata_sha256": dataset["metadata_sha256"],
        "files": [[uploaded["id"], uploaded["sha256"]]]})
    assert asset["quality_score"] == half_up(score)
    [event] = market.events("asset.registered")
    assert event["payload"]["dataset_hashes"][0]["files"][0]["sha256"] == uploaded["sha256"]

    reviewed = market.exchange.post(f"/v1/assets/{asset['id']}/review", json={"approve": True},
                                    headers=bearer(market.operator))
    assert reviewed.status_code == 200, reviewed.text
    certificate = market.exchange.get(f"/v1/assets/{asset['id']}/certificate").json()
    [certified] = certificate["dataset_hashes"]
    assert certified["content_basis"] == "files"
    assert [f["sha256"] for f in certified["files"]] == [uploaded["sha256"]]
    assert verify_document(certificate, market.exchange.get("/v1/signing-keys").json()
                           ).valid

    # The cost method, without a quality score in its inputs, takes the catalog's.
    valuation = market.exchange.post(f"/v1/assets/{asset['id']}/valuations",
                                     headers=bearer(market.provider), json={
                                         "method": "cost", "inputs": {
                                             "collection_fen": 300_000, "storage_fen": 50_000,
                                             "processing_fen": 100_000, "labour_fen": 50_000,
                                             "profit_rate_bps": 2000}})
    assert valuation.status_code == 201, valuation.text
    report = valuation.json()["report"]
    assert report["inputs"]["quality_score"] == half_up(score)
    assert valuation.json()["value_fen"] == 500_000 * 120 // 100 * half_up(score) // 100

    # A later upload is a new revision; the certificate keeps what was registered.
    later = upload(market.stack, dataset["id"], market.provider,
                   CSV + "2024-01-05,1号线,1300\n".encode())
    assert later["revision"] == dataset["revision"] + 1
    again = market.exchange.get(f"/v1/assets/{asset['id']}/certificate").json()
    assert again["dataset_hashes"] == certificate["dataset_hashes"]
    second = market.exchange.post("/v1/assets", headers=bearer(market.provider), json={
        "name": "客流数据资产（更新）", "dataset_ids": [dataset["id"]], "rights": ["holding"]})
    assert second.status_code == 201, second.text
    assert [f["sha256"] for f in second.json()["datasets"][0]["files"]] == [later["sha256"]]


def test_without_files_the_pin_covers_metadata_only(market: Market) -> None:
    listed = market.listed_dataset()
    document = market.stack.catalog.get(f"/v1/datasets/{listed['id']}").json()
    assert (document["files"], document["quality"]) == ([], None)
    asset = market.registered_asset(certify=False)
    assert asset["datasets"][0]["content_basis"] == "metadata"
    assert asset["quality_score"] is None
