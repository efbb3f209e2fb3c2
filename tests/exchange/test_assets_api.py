"""Asset registration over HTTP: pinned hashes, review, signed certificates, revocation."""

from __future__ import annotations

import httpx
import pytest

from services.exchange.certificates.verify import verify_document
from services.shared.canonical import canonical_sha256
from tests.exchange.trading_helpers import Market, bearer, dataset_body
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def register(market: Market, token: str | None, dataset_ids: list[str],
             rights: list[str] | None = None) -> httpx.Response:
    return market.exchange.post("/v1/assets", headers=bearer(token), json={
        "name": "客流数据资产", "dataset_ids": dataset_ids, "rights": rights or ["holding"]})


class TestRegistration:
    def test_registration_pins_the_catalogs_hashes(self, market: Market) -> None:
        listed = market.listed_dataset()
        response = register(market, market.provider, [listed["id"]], ["holding", "processing"])
        assert response.status_code == 201
        asset = response.json()
        assert asset["status"] == "pending"
        assert asset["rights"] == ["holding", "processing"]
        assert asset["public_data"] is True
        [pinned] = asset["datasets"]
        assert pinned["dataset_id"] == listed["id"]
        assert pinned["metadata_sha256"] == listed["metadata_sha256"]
        assert pinned["revision"] == listed["revision"]
        assert pinned["content_basis"] == "metadata"
        assert asset["content_sha256"] == canonical_sha256([pinned["content_sha256"]])
        [event] = market.events("asset.registered")
        assert event["payload"]["dataset_hashes"][0]["metadata_sha256"] == \
            listed["metadata_sha256"]

    def test_who_may_register(self, market: Market) -> None:
        listed = market.listed_dataset()
        assert register(market, None, [listed["id"]]).status_code == 401
        assert register(market, market.buyer, [listed["id"]]).status_code == 403

    def test_only_listed_datasets_of_ones_own(self, market: Market) -> None:
        listed = market.listed_dataset()
        theirs = register(market, market.company, [listed["id"]])
        assert theirs.status_code == 422
        assert theirs.json()["type"].endswith("dataset-not-owned")
        draft = market.stack.catalog.post("/v1/datasets", headers=bearer(market.provider),
                                          json=dataset_body()).json()
        for dataset_id in (draft["id"], "ds_does_not_exist"):
            refused = register(market, market.provider, [dataset_id])
            assert refused.status_code == 422
            assert refused.json()["type"].endswith("dataset-not-listed")
        repeated = register(market, market.provider, [listed["id"], listed["id"]])
        assert repeated.status_code == 422
        assert market.events("asset.") == []

    def test_a_pending_registration_is_private(self, market: Market) -> None:
        asset = market.registered_asset(certify=False)
        url = f"/v1/assets/{asset['id']}"
        assert market.exchange.get(url).status_code == 404
        assert market.exchange.get(url, headers=bearer(market.company)).status_code == 404
        assert market.exchange.get(url, headers=bearer(market.provider)).status_code == 200
        assert market.exchange.get(url, headers=bearer(market.regulator)).status_code == 200
        mine = market.exchange.get("/v1/assets?mine=true", headers=bearer(market.provider))
        assert [a["id"] for a in mine.json()["items"]] == [asset["id"]]
        assert market.exchange.get("/v1/assets").json()["items"] == []
        assert market.exchange.get("/v1/assets?status=pending",
                                   headers=bearer(market.buyer)).status_code == 403


class TestReviewAndCertificate:
    def test_approval_issues_a_certificate_anyone_can_verify(self, market: Market) -> None:
        asset = market.registered_asset(certify=False)
        url = f"/v1/assets/{asset['id']}/review"
        assert market.exchange.post(url, json={"approve": True},
                                    headers=bearer(market.provider)).status_code == 403
        approved = market.exchange.post(url, json={"approve": True},
                                        headers=bearer(market.operator))
        assert approved.status_code == 200
        assert approved.json()["status"] == "registered"
        certificate = market.exchange.get(f"/v1/assets/{asset['id']}/certificate")
        assert certificate.status_code == 200
        assert certificate.headers["X-Registration-Status"] == "registered"
        doc = certificate.json()
        assert doc["certificate_no"] == approved.json()["certificate_no"]
        assert doc["asset"]["id"] == asset["id"]
        assert doc["rights"] == ["holding", "operation", "processing"]
        assert doc["dataset_hashes"] == asset["datasets"]
        jwks = market.exchange.get("/v1/signing-keys").json()
        assert verify_document(doc, jwks).valid
        assert doc["kid"] in {k["kid"] for k in jwks["keys"]}
        tampered = {**doc, "rights": ["holding"]}
        assert not verify_document(tampered, jwks).valid
        online = market.exchange.post("/v1/certificates/verify", json=doc).json()
        assert (online["valid"], online["status"]) == (True, "registered")
        [event] = market.events("asset.certified")
        assert event["payload"]["certificate_sha256"] == canonical_sha256(doc)
        again = market.exchange.post(url, json={"approve": True}, headers=bearer(market.operator))
        assert again.status_code == 409

    def test_rejection_needs_a_reason_and_issues_nothing(self, market: Market) -> None:
        asset = market.registered_asset(certify=False)
        url = f"/v1/assets/{asset['id']}/review"
        assert market.exchange.post(url, json={"approve": False},
                                    headers=bearer(market.operator)).status_code == 422
        rejected = market.exchange.post(url, json={"approve": False, "reason": "权属不清"},
                                        headers=bearer(market.operator))
        assert rejected.json()["status"] == "rejected"
        assert market.exchange.get(f"/v1/assets/{asset['id']}/certificate").status_code == 404

    def test_revocation_withdraws_offers_and_is_recorded(self, market: Market) -> None:
        asset = market.registered_asset()
        offer = market.offer(asset=asset)
        url = f"/v1/assets/{asset['id']}/revoke"
        body = {"reason": "数据来源存在争议"}
        assert market.exchange.post(url, json=body).status_code == 401
        assert market.exchange.post(url, json=body,
                                    headers=bearer(market.company)).status_code == 403
        revoked = market.exchange.post(url, json=body, headers=bearer(market.provider))
        assert revoked.json()["status"] == "revoked"
        certificate = market.exchange.get(f"/v1/assets/{asset['id']}/certificate")
        assert certificate.headers["X-Registration-Status"] == "revoked"
        status = market.exchange.post("/v1/certificates/verify", json=certificate.json()).json()
        assert (status["valid"], status["status"]) == (True, "revoked")
        [event] = market.events("asset.revoked")
        assert event["payload"]["withdrawn_offer_ids"] == [offer["id"]]
        assert market.place(offer).status_code == 409
        assert market.exchange.post(url, json=body,
                                    headers=bearer(market.operator)).status_code == 409

    def test_signing_keys_include_every_key(self, market: Market) -> None:
        keys = market.exchange.get("/v1/signing-keys").json()["keys"]
        assert keys and all(k["alg"] == "ES256" for k in keys)

