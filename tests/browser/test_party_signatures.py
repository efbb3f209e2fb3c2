"""Party signatures in a real browser: the demo provider's admin registers a public key
on /me/keys, accepts an order with a wrong signature (refused next to the field, the
order unchanged) and then with its signature over the statement the page shows (the
order is accepted); the buyer's voucher page checks the voucher's embedded ledger proof
in the browser (valid, and invalid once a byte of the entry is altered)."""

from __future__ import annotations

import json
import time
import uuid
from typing import Any

import pytest

from services.clients import ApiProblem
from services.shared import party_signatures
from services.shared.keyring import SigningKey, generate_key
from tests.browser.conftest import sign_in
from tests.browser.test_buyer_story import BUYER, PROVIDER, ApiCaller, offer_the_parking_dataset
from tests.e2e.processes import OPERATOR, ServiceProcesses

pytestmark = pytest.mark.e2e


def public(key: SigningKey) -> dict[str, Any]:
    return {k: v for k, v in key.jwk().items() if k in ("kty", "crv", "x", "y")}


def place_order(live: ServiceProcesses) -> tuple[ApiCaller, ApiCaller, str]:
    """The provider offers the parking dataset and the funded buyer orders it; the
    provider, the buyer and the order's id."""
    operator = ApiCaller(live, *OPERATOR)
    provider, buyer = ApiCaller(live, *PROVIDER), ApiCaller(live, *BUYER)
    offer_the_parking_dataset(live, provider, operator)
    offers = provider.exchange.get_json("/v1/offers", params={"provider": provider.org_id})
    operator.post(f"/v1/accounts/{buyer.org_id}/deposits", {"amount_fen": 100_000})
    order = buyer.exchange.post_json("/v1/orders", {
        "offer_id": offers["items"][0]["id"], "purpose": "城市停车规划研究",
        "purpose_category": "research"}, headers={"Idempotency-Key": f"browser-{uuid.uuid4()}"})
    return provider, buyer, str(order["id"])


def status_of(caller: ApiCaller, order_id: str) -> str:
    return str(caller.exchange.get_json(f"/v1/orders/{order_id}")["status"])


def test_a_provider_registers_a_key_and_signs_its_acceptance(
        page: Any, live: ServiceProcesses) -> None:
    provider, buyer, order_id = place_order(live)
    key = generate_key("ES256")
    sign_in(page, *PROVIDER)
    page.get_by_role("link", name="管理签名密钥").click()
    page.wait_for_url("**/me/keys")
    assert page.get_by_text("尚未登记密钥").is_visible()
    page.get_by_label("公钥（JWK）").fill(json.dumps(public(key)))
    page.get_by_role("button", name="登记公钥").click()
    page.wait_for_url("**/me/keys?done=registered")
    assert page.locator(f'tr[data-kid="{key.kid}"]').get_by_text("使用中").is_visible()
    page.set_viewport_size({"width": 375, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 375, page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > 375).map(e => e.tagName + '.' + e.className + ':' + e.textContent.slice(0, 40))")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto("/provider#orders")
    page.locator(f'form[action="/provider/orders/{order_id}/accept"]').get_by_role(
        "button", name="接受订单").click()
    page.wait_for_url(f"**/provider/orders/{order_id}/accept")
    assert page.locator("#signature-accept-error").is_visible()
    statement = json.loads(page.locator("#statement-accept").inner_text())
    assert (statement["order_id"], statement["role"]) == (order_id, "provider")

    forged = party_signatures.sign(statement, generate_key("ES256").private_key)
    page.get_by_label("本单位签名（分离式 JWS）").fill(forged)
    page.get_by_role("button", name="接受订单").click()
    assert "JWS names key" in page.locator("#signature-accept-error").inner_text()
    assert status_of(provider, order_id) == "requested"

    page.get_by_label("本单位签名（分离式 JWS）").fill(
        party_signatures.sign(statement, key.private_key))
    page.get_by_role("button", name="接受订单").click()
    page.wait_for_url("**/provider#orders")
    assert status_of(buyer, order_id) == "accepted"
    contract = provider.exchange.get_json(f"/v1/orders/{order_id}/contract")
    assert [s["role"] for s in contract["party_signatures"]] == ["provider"]


def test_the_buyer_sees_the_vouchers_ledger_proof_checked_in_the_browser(
        page: Any, live: ServiceProcesses) -> None:
    provider, buyer, order_id = place_order(live)
    key = generate_key("EdDSA")
    try:
        provider.exchange.post_json("/v1/me/keys", {"jwk": public(key)})
    except ApiProblem:  # the key the first test registered
        provider.exchange.post_json("/v1/me/keys/rotate", {"jwk": public(key)})
    statement = {"type": "dataex.acceptance_statement", "order_id": order_id,
                 "contract_sha256": buyer.exchange.get_json(
                     f"/v1/orders/{order_id}")["contract_sha256"],
                 "role": "provider", "org_id": provider.org_id}
    provider.post(f"/v1/orders/{order_id}/accept",
                  {"signature": party_signatures.sign(statement, key.private_key)})
    buyer.exchange.post_json(f"/v1/orders/{order_id}/pay", None,
                             headers={"Idempotency-Key": "browser-signed-pay"})
    buyer.post(f"/v1/orders/{order_id}/confirm")

    sign_in(page, *BUYER)
    deadline = time.monotonic() + 60
    while True:  # the relay delivers the settlement to the ledger within seconds
        page.goto(f"/orders/{order_id}/voucher")
        if page.locator("#ledger-proof-verdict").count() or time.monotonic() > deadline:
            break
        time.sleep(1)
    verdict = page.locator("#ledger-proof-verdict")
    page.wait_for_function(
        "document.getElementById('ledger-proof-verdict').dataset.verdict !== 'pending'")
    assert verdict.get_attribute("data-verdict") == "valid", verdict.inner_text()
    assert page.locator("#ledger-proof-steps li.ok").count() == 4
    page.goto(f"/orders/{order_id}/voucher?tamper=1")
    page.wait_for_function(
        "document.getElementById('ledger-proof-verdict').dataset.verdict !== 'pending'")
    assert verdict.get_attribute("data-verdict") == "invalid"
    assert "不一致" in verdict.inner_text() or "root" in verdict.inner_text().lower()
