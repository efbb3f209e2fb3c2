"""Party signatures in the portal, in-process: the admin's /me/keys (list with validity,
register a pasted public JWK, rotate; errors next to the field; members refused), the
provider's accept and the buyer's pay and confirm forms asking for the signature over
the statement the exchange names (a wrong one refused next to the field, nothing
changed), and the voucher page carrying its ledger proof for the browser to check."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest

from services.portal.session import CSRF_FIELD
from services.shared import party_signatures
from services.shared.keyring import SigningKey, generate_key
from tests.exchange.trading_helpers import PASSWORD, bearer
from tests.portal.conftest import Portal
from tests.portal.test_buyer_pages import Trade, open_trade


@pytest.fixture
def trade(portal: Portal) -> Trade:
    return open_trade(portal)


def public(key: SigningKey) -> dict[str, Any]:
    return {k: v for k, v in key.jwk().items() if k in ("kty", "crv", "x", "y")}


def post_key(portal: Portal, jwk: str, **extra: str) -> Any:
    return portal.client.post("/me/keys", data={"jwk": jwk, CSRF_FIELD: portal.csrf("/me/keys"),
                                                **extra}, follow_redirects=False)


def statement_on(page: str, action: str) -> dict[str, Any]:
    """The statement an order form shows to sign."""
    found = re.search(rf'<pre class="json statement" id="statement-{action}">(.*?)</pre>',
                      page, re.S)
    assert found is not None, page
    return dict(json.loads(html.unescape(found.group(1))))


def switch_to(portal: Portal, username: str) -> None:
    portal.client.post("/signout", data={CSRF_FIELD: portal.csrf("/")})
    assert portal.sign_in(username, PASSWORD).status_code == 303


def status_of(trade: Trade, order_id: str) -> str:
    return str(trade.market.exchange.get(f"/v1/orders/{order_id}",
                                         headers=bearer(trade.market.buyer)).json()["status"])


def test_the_admin_registers_and_rotates_a_key(trade: Trade) -> None:
    portal = trade.portal
    assert 'href="/me/keys"' in portal.client.get("/me").text
    empty = portal.client.get("/me/keys")
    assert empty.status_code == 200 and "尚未登记密钥" in empty.text
    assert '<label for="jwk">' in empty.text and "dataex sign statement.json" in empty.text
    first, second = generate_key("EdDSA"), generate_key("ES256")
    registered = post_key(portal, json.dumps(public(first)))
    assert (registered.status_code, registered.headers["location"]) == \
        (303, "/me/keys?done=registered")
    page = portal.client.get("/me/keys?done=registered").text
    assert "签名密钥已登记" in page and first.kid in page and "使用中" in page
    assert "轮换为此公钥" in page
    rotated = post_key(portal, json.dumps(public(second)), rotate="yes")
    assert rotated.headers["location"] == "/me/keys?done=rotated"
    page = portal.client.get("/me/keys").text
    row = page[page.index(f'data-kid="{first.kid}"'):]
    assert "已停用" in row.split("</tr>")[0] and "至轮换为止" not in row.split("</tr>")[0]
    keys = trade.market.exchange.get("/v1/me/keys", headers=bearer(trade.market.buyer)).json()
    assert [(k["kid"], k["status"]) for k in keys["keys"]] == \
        [(second.kid, "active"), (first.kid, "retired")]


def test_bad_keys_are_refused_next_to_the_field(trade: Trade) -> None:
    portal = trade.portal
    missing = post_key(portal, "")
    assert missing.status_code == 422 and 'id="jwk-error"' in missing.text
    garbled = post_key(portal, "{not json")
    assert garbled.status_code == 422 and "不是 JSON" in garbled.text
    assert "{not json" in garbled.text  # the field keeps what was pasted
    private = post_key(portal, json.dumps(generate_key("EdDSA").jwk() | {"d": "AAAA"}))
    assert private.status_code == 422 and 'id="jwk-error"' in private.text
    assert "private key" in private.text
    rsa = post_key(portal, json.dumps({"kty": "RSA", "n": "AQAB", "e": "AQAB"}))
    assert rsa.status_code == 422 and "P-256" in rsa.text
    no_csrf = portal.client.post("/me/keys", data={"jwk": json.dumps(
        public(generate_key("EdDSA")))})
    assert no_csrf.status_code == 403
    assert trade.market.exchange.get("/v1/me/keys", headers=bearer(
        trade.market.buyer)).json()["keys"] == []


def test_a_member_who_is_not_admin_is_refused(trade: Trade) -> None:
    invited = trade.market.exchange.post("/v1/users", headers=bearer(trade.market.buyer),
                                         json={"username": "buyer-analyst", "role": "member"})
    assert invited.status_code == 201, invited.text
    trade.portal.client.post("/signout", data={CSRF_FIELD: trade.portal.csrf("/")})
    signed_in = trade.portal.sign_in("buyer-analyst", invited.json()["initial_password"])
    assert signed_in.status_code == 303
    assert trade.portal.client.get("/me/keys").status_code == 403
    assert 'href="/me/keys"' not in trade.portal.client.get("/me").text


def test_the_provider_signs_its_acceptance_on_the_page(trade: Trade) -> None:
    order_id = trade.placed()
    key = generate_key("ES256")
    switch_to(trade.portal, "provider")
    assert post_key(trade.portal, json.dumps(public(key))).status_code == 303
    csrf = trade.portal.csrf("/provider")
    unsigned = trade.portal.client.post(f"/provider/orders/{order_id}/accept",
                                        data={CSRF_FIELD: csrf})
    assert unsigned.status_code == 422
    assert 'id="signature-accept-error"' in unsigned.text and key.kid in unsigned.text
    statement = statement_on(unsigned.text, "accept")
    assert (statement["type"], statement["order_id"], statement["role"]) == \
        ("dataex.acceptance_statement", order_id, "provider")
    wrong = party_signatures.sign({**statement, "role": "buyer"}, key.private_key)
    refused = trade.portal.client.post(f"/provider/orders/{order_id}/accept",
                                       data={CSRF_FIELD: csrf, "signature": wrong})
    assert refused.status_code == 422 and "does not match" in refused.text
    assert 'aria-invalid="true"' in refused.text and status_of(trade, order_id) == "requested"
    signed = party_signatures.sign(statement, key.private_key)
    accepted = trade.portal.client.post(f"/provider/orders/{order_id}/accept",
                                        data={CSRF_FIELD: csrf, "signature": signed},
                                        follow_redirects=False)
    assert accepted.status_code == 303 and status_of(trade, order_id) == "accepted"
    assert trade.portal.client.get(f"/provider/orders/{order_id}/accept").status_code == 200


def test_the_buyer_signs_pay_and_confirm_and_the_voucher_carries_its_proof(
        trade: Trade) -> None:
    order_id = trade.placed()
    trade.accept(order_id)
    trade.market.deposit(trade.market.buyer, trade.offer["price_fen"])
    key = generate_key("EdDSA")
    assert post_key(trade.portal, json.dumps(public(key))).status_code == 303
    page = trade.portal.client.get(f"/orders/{order_id}").text
    assert 'id="signature-pay"' in page and "提交后页面会显示要签署的声明" in page
    pay_key = trade.form_value(page, "idempotency_key")
    unsigned = trade.post(f"/orders/{order_id}/pay", idempotency_key=pay_key)
    assert unsigned.status_code == 422 and 'id="signature-pay-error"' in unsigned.text
    statement = statement_on(unsigned.text, "pay")
    assert (statement["role"], statement["order_id"]) == ("buyer", order_id)
    bad = trade.post(f"/orders/{order_id}/pay", idempotency_key=pay_key,
                     signature="not-a-jws")
    assert bad.status_code == 422 and "HEADER..SIGNATURE" in bad.text
    assert status_of(trade, order_id) == "accepted"
    paid = trade.post(f"/orders/{order_id}/pay", idempotency_key=pay_key,
                      signature=party_signatures.sign(statement, key.private_key))
    assert paid.status_code == 303, paid.text
    unconfirmed = trade.post(f"/orders/{order_id}/confirm")
    assert unconfirmed.status_code == 422
    confirmation = statement_on(unconfirmed.text, "confirm")
    assert confirmation["type"] == "dataex.confirmation_statement"
    confirmed = trade.post(f"/orders/{order_id}/confirm",
                           signature=party_signatures.sign(confirmation, key.private_key))
    assert confirmed.status_code == 303 and status_of(trade, order_id) == "settled"
    voucher = trade.portal.client.get(f"/orders/{order_id}/voucher")
    assert voucher.status_code == 200 and 'id="ledger-proof"' in voucher.text
    assert ("/static/voucher_proof.js" in voucher.text) or ("账本尚未证明" in voucher.text)


def test_an_organisation_without_a_key_sees_no_signature_field(trade: Trade) -> None:
    order_id = trade.placed()
    trade.accept(order_id)
    page = trade.portal.client.get(f"/orders/{order_id}").text
    assert 'name="signature"' not in page
    assert trade.portal.client.get("/static/voucher_proof.js").status_code == 200


def test_another_providers_order_is_not_found_and_english_reads(trade: Trade) -> None:
    order_id = trade.placed()
    assert trade.market.company
    switch_to(trade.portal, "company")
    assert trade.portal.client.get(f"/provider/orders/{order_id}/accept").status_code == 404
    refused = trade.portal.client.post(f"/provider/orders/{order_id}/accept", data={
        CSRF_FIELD: trade.portal.csrf("/provider"), "signature": "a..b"})
    assert refused.status_code == 404
    english = trade.portal.client.get("/me/keys?lang=en").text
    assert "Register a public key" in english and "How to sign" in english
    assert status_of(trade, order_id) == "requested"
