"""Party keys and signatures over HTTP: registering and rotating keys (who may, bad
keys), signed acceptances and confirmations (required once a key is registered, forged
or misdirected ones refused with nothing changed), offline verification of the
receipts, and a voucher that carries its settlement's ledger proof."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from services.cli.documents import verify_report
from services.cli.main import app as cli
from services.clients import AuditClient, BearerToken
from services.exchange.outbox import outbox as exchange_outbox
from services.exchange.signatures.model import acceptance_statement, confirmation_statement
from services.exchange.trading.context import Trading
from services.shared import party_signatures
from services.shared.keyring import SigningKey, generate_key
from services.shared.outbox import OutboxRelay, ledger_keyring
from tests.audit.emitters import service_token
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack

runner = CliRunner()


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def public(key: SigningKey) -> dict[str, Any]:
    return {k: v for k, v in key.jwk().items() if k in ("kty", "crv", "x", "y")}


def register(market: Market, token: str, key: SigningKey, *, rotate: bool = False) -> Any:
    path = "/v1/me/keys/rotate" if rotate else "/v1/me/keys"
    return market.exchange.post(path, json={"jwk": public(key)}, headers=bearer(token))


def keys_of(market: Market, token: str) -> list[dict[str, Any]]:
    answer = market.exchange.get(f"/v1/organizations/{market.org(token)}/keys")
    assert answer.status_code == 200, answer.text
    return list(answer.json()["keys"])


def acceptance(market: Market, order: dict[str, Any], role: str, token: str) -> dict[str, Any]:
    return acceptance_statement(order_id=order["id"], contract_sha256=order["contract_sha256"],
                                role=role, org_id=market.org(token))


def status_of(market: Market, order: dict[str, Any]) -> str:
    return str(market.exchange.get(f"/v1/orders/{order['id']}",
                                   headers=bearer(market.buyer)).json()["status"])


class TestKeys:
    def test_an_admin_registers_a_key_that_anyone_can_read(self, market: Market) -> None:
        key = generate_key("EdDSA")
        answer = register(market, market.provider, key)
        assert answer.status_code == 201, answer.text
        body = answer.json()
        assert (body["kid"], body["alg"], body["status"]) == (key.kid, "EdDSA", "active")
        assert body["valid_until"] is None
        assert [k["kid"] for k in keys_of(market, market.provider)] == [key.kid]
        mine = market.exchange.get("/v1/me/keys", headers=bearer(market.provider)).json()
        assert [k["kid"] for k in mine["keys"]] == [key.kid]
        event = market.events("organization.key_registered")[-1]
        assert event["payload"]["kid"] == key.kid
        assert set(event["payload"]) == {"org_id", "kid", "alg", "jwk_sha256"}

    def test_rotation_retires_the_old_key_with_its_validity_period(self, market: Market) -> None:
        old, new = generate_key("ES256"), generate_key("EdDSA")
        assert register(market, market.buyer, old).status_code == 201
        again = register(market, market.buyer, new)
        assert again.status_code == 409 and again.json()["type"].endswith("key-exists")
        rotated = register(market, market.buyer, new, rotate=True)
        assert rotated.status_code == 201, rotated.text
        listed = {k["kid"]: k for k in keys_of(market, market.buyer)}
        assert listed[old.kid]["status"] == "retired" and listed[old.kid]["valid_until"]
        assert listed[new.kid]["status"] == "active"
        assert market.events("organization.key_rotated")[-1]["payload"]["retired_kid"] == old.kid

    def test_rotating_without_a_key_is_refused(self, market: Market) -> None:
        answer = register(market, market.buyer, generate_key("ES256"), rotate=True)
        assert answer.status_code == 409 and answer.json()["type"].endswith("no-key")

    @pytest.mark.parametrize("jwk", [
        {"kty": "RSA", "n": "AQAB", "e": "AQAB"},
        {"kty": "EC", "crv": "P-384", "x": "AA", "y": "AA"},
        {"kty": "OKP", "crv": "Ed25519", "x": "not-a-key!"},
    ])
    def test_keys_that_are_not_p256_or_ed25519_are_refused(self, market: Market,
                                                          jwk: dict[str, Any]) -> None:
        answer = market.exchange.post("/v1/me/keys", json={"jwk": jwk},
                                      headers=bearer(market.provider))
        assert answer.status_code == 422, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert keys_of(market, market.provider) == []

    def test_a_private_key_is_refused_and_not_kept(self, market: Market) -> None:
        key = generate_key("EdDSA")
        jwk = {**public(key), "d": "c2VjcmV0"}
        answer = market.exchange.post("/v1/me/keys", json={"jwk": jwk},
                                      headers=bearer(market.provider))
        assert answer.status_code == 422 and "private" in answer.json()["detail"]
        assert keys_of(market, market.provider) == []

    def test_anonymous_callers_and_api_keys_cannot_register(self, market: Market) -> None:
        key = generate_key("ES256")
        assert market.exchange.post("/v1/me/keys",
                                    json={"jwk": public(key)}).status_code == 401
        created = market.exchange.post("/v1/api-keys", json={"name": "bot"},
                                       headers=bearer(market.buyer)).json()
        token = market.exchange.post("/v1/auth/token", data={
            "grant_type": "client_credentials", "client_id": created["client_id"],
            "client_secret": created["client_secret"]}).json()["access_token"]
        answer = register(market, token, key)
        assert answer.status_code == 403 and answer.json()["type"].endswith("users-only")

    def test_another_organisations_key_cannot_be_registered_again(self, market: Market) -> None:
        key = generate_key("ES256")
        assert register(market, market.buyer, key).status_code == 201
        answer = register(market, market.other_buyer, key)
        assert answer.status_code == 409 and answer.json()["type"].endswith("duplicate-key")
        assert keys_of(market, market.other_buyer) == []

    def test_an_unknown_organisation_has_no_keys(self, market: Market) -> None:
        assert market.exchange.get("/v1/organizations/org_nope/keys").status_code == 404


class TestSignedTrade:
    def test_a_signed_trade_from_acceptance_to_confirmation(self, market: Market,
                                                            tmp_path: Path) -> None:
        provider_key, buyer_key = generate_key("EdDSA"), generate_key("ES256")
        offer = market.offer()
        order = market.order(offer)
        assert register(market, market.provider, provider_key).status_code == 201
        assert register(market, market.buyer, buyer_key).status_code == 201

        unsigned = market.act(order, "accept", market.provider)
        assert unsigned.status_code == 422, unsigned.text
        assert unsigned.json()["type"].endswith("signature-required")
        statement = unsigned.json()["statement"]
        assert statement == acceptance(market, order, "provider", market.provider)
        assert status_of(market, order) == "requested"

        jws = party_signatures.sign(statement, provider_key.private_key)
        accepted = market.act(order, "accept", market.provider, {"signature": jws})
        assert accepted.status_code == 200, accepted.text

        market.deposit(market.buyer, order["amount_fen"])
        refused = market.pay(order)
        assert refused.status_code == 422 and refused.json()["type"].endswith("signature-required")
        assert market.balances(market.buyer)[1] == 0
        buyer_jws = party_signatures.sign(acceptance(market, order, "buyer", market.buyer),
                                          buyer_key.private_key)
        paid = market.exchange.post(f"/v1/orders/{order['id']}/pay",
                                    json={"signature": buyer_jws},
                                    headers={**bearer(market.buyer), "Idempotency-Key": "p1"})
        assert paid.status_code == 200, paid.text
        confirmation = confirmation_statement(order_id=order["id"],
                                              contract_sha256=order["contract_sha256"],
                                              org_id=market.org(market.buyer))
        confirmed = market.act(order, "confirm", market.buyer, {
            "signature": party_signatures.sign(confirmation, buyer_key.private_key)})
        assert confirmed.status_code == 200 and confirmed.json()["status"] == "settled"

        contract = market.exchange.get(f"/v1/orders/{order['id']}/contract",
                                       headers=bearer(market.buyer)).json()
        receipts = contract["party_signatures"]
        assert [(r["role"], r["statement"]["type"]) for r in receipts] == [
            ("provider", "dataex.acceptance_statement"), ("buyer", "dataex.acceptance_statement"),
            ("buyer", "dataex.confirmation_statement")]
        exchange_keys = market.exchange.get("/v1/signing-keys").json()
        published = market.exchange.get(
            f"/v1/organizations/{market.org(market.provider)}/keys").json()
        findings = verify_report(receipts[0], exchange_keys, party_keys=published)
        assert all(f.ok for f in findings), findings
        assert provider_key.kid in findings[1].text and "provider" in findings[1].text
        signed = [e["payload"] for e in market.events("party.signed")]
        assert [p["kid"] for p in signed] == [provider_key.kid, buyer_key.kid, buyer_key.kid]

        # offline, with the command a regulator runs
        (tmp_path / "receipt.json").write_text(json.dumps(receipts[0]))
        (tmp_path / "keys.json").write_text(json.dumps(exchange_keys))
        (tmp_path / "party.json").write_text(json.dumps(published))
        shown = runner.invoke(cli, ["certificate", "verify", str(tmp_path / "receipt.json"),
                                    "--jwks", str(tmp_path / "keys.json"),
                                    "--party-keys", str(tmp_path / "party.json")])
        assert shown.exit_code == 0, shown.output
        assert provider_key.kid in shown.output and "VALID" in shown.output

    def test_a_forged_receipt_is_refused_offline(self, market: Market) -> None:
        key = generate_key("EdDSA")
        assert register(market, market.provider, key).status_code == 201
        order = market.order()
        jws = party_signatures.sign(acceptance(market, order, "provider", market.provider),
                                    key.private_key)
        assert market.act(order, "accept", market.provider, {"signature": jws}).status_code == 200
        receipt = market.exchange.get(f"/v1/orders/{order['id']}/contract",
                                      headers=bearer(market.provider)).json()[
            "party_signatures"][0]
        exchange_keys = market.exchange.get("/v1/signing-keys").json()
        other = {**receipt["statement"], "contract_sha256": "0" * 64}
        forged = party_signatures.sign(other, generate_key("EdDSA").private_key)
        assert not verify_report({**receipt, "jws": forged}, exchange_keys)[0].ok
        # even re-signed by someone holding an exchange key, the party's JWS fails
        assert party_findings_fail(receipt | {"statement": other})

    def test_bad_and_misdirected_signatures_change_nothing(self, market: Market) -> None:
        mine, theirs = generate_key("EdDSA"), generate_key("EdDSA")
        assert register(market, market.provider, mine).status_code == 201
        assert register(market, market.company, theirs).status_code == 201
        order = market.order()
        statement = acceptance(market, order, "provider", market.provider)
        for signature in (
            party_signatures.sign(statement, theirs.private_key),          # another org's key
            party_signatures.sign({**statement, "role": "buyer"}, mine.private_key),  # other text
            "not-a-jws",
            party_signatures.sign(statement, mine.private_key)[:-4] + "AAAA",
        ):
            answer = market.act(order, "accept", market.provider, {"signature": signature})
            assert answer.status_code == 422, answer.text
            assert answer.headers["content-type"].startswith("application/problem+json")
            assert answer.json()["type"].endswith("bad-signature")
        assert status_of(market, order) == "requested"
        assert market.events("party.signed") == []

    def test_a_signature_without_a_registered_key_is_refused(self, market: Market) -> None:
        order = market.order()
        jws = party_signatures.sign(acceptance(market, order, "provider", market.provider),
                                    generate_key("EdDSA").private_key)
        answer = market.act(order, "accept", market.provider, {"signature": jws})
        assert answer.status_code == 422 and answer.json()["type"].endswith("no-party-key")

    def test_a_retired_key_signs_nothing_new_but_its_receipts_still_verify(
            self, market: Market) -> None:
        old, new = generate_key("ES256"), generate_key("ES256")
        assert register(market, market.provider, old).status_code == 201
        first, second = market.order(), market.order()
        jws = party_signatures.sign(acceptance(market, first, "provider", market.provider),
                                    old.private_key)
        assert market.act(first, "accept", market.provider, {"signature": jws}).status_code == 200
        assert register(market, market.provider, new, rotate=True).status_code == 201
        stale = party_signatures.sign(acceptance(market, second, "provider", market.provider),
                                      old.private_key)
        assert market.act(second, "accept", market.provider,
                          {"signature": stale}).status_code == 422
        receipt = market.exchange.get(f"/v1/orders/{first['id']}/contract",
                                      headers=bearer(market.provider)).json()[
            "party_signatures"][0]
        published = market.exchange.get(
            f"/v1/organizations/{market.org(market.provider)}/keys").json()
        findings = verify_report(receipt, market.exchange.get("/v1/signing-keys").json(),
                                 party_keys=published)
        assert all(f.ok for f in findings), findings
        assert "retired" in findings[-1].text

    def test_the_wrong_organisation_cannot_sign_for_an_order(self, market: Market) -> None:
        key = generate_key("EdDSA")
        assert register(market, market.company, key).status_code == 201
        order = market.order()
        jws = party_signatures.sign(acceptance(market, order, "provider", market.company),
                                    key.private_key)
        answer = market.act(order, "accept", market.company, {"signature": jws})
        assert answer.status_code == 404


def party_findings_fail(receipt: dict[str, Any]) -> bool:
    from services.cli.documents import party_findings

    return not all(f.ok for f in party_findings(receipt, None))


def relay_to_ledger(stack: Stack) -> None:
    """Deliver the exchange's outbox to the in-process ledger and point the exchange's
    ledger client at it."""
    token = service_token(stack.exchange, "exchange")
    client = AuditClient.connect(str(stack.audit.base_url), credentials=BearerToken(token),
                                 transport=stack.audit._transport)  # type: ignore[attr-defined]
    deliver = partial(client.deliver,
                      keys=ledger_keyring(stack.exchange_settings, "exchange"))
    relay = OutboxRelay(stack.exchange.app.state.db,  # type: ignore[attr-defined]
                        exchange_outbox, deliver)
    while relay.run_once():
        pass
    trading: Trading = stack.exchange.app.state.trading  # type: ignore[attr-defined]
    trading.audit = client


class TestVoucherProof:
    def test_the_voucher_embeds_its_proof_and_an_altered_one_is_refused_offline(
            self, market: Market, stack: Stack, tmp_path: Path) -> None:
        order = market.paid()
        assert market.act(order, "confirm", market.buyer).status_code == 200
        path = f"/v1/orders/{order['id']}/voucher"
        before = market.exchange.get(path, headers=bearer(market.buyer)).json()
        assert "inclusion_proof" not in before["ledger"]
        relay_to_ledger(stack)
        voucher = market.exchange.get(path, headers=bearer(market.buyer)).json()
        ledger = voucher["ledger"]
        assert ledger["entry"]["record"]["event_id"] == ledger["event_id"]
        assert ledger["inclusion_proof"]["tree_size"] == ledger["checkpoint"]["tree_size"]
        assert market.exchange.get(path, headers=bearer(market.buyer)).json() == voucher

        exchange_keys = market.exchange.get("/v1/signing-keys").json()
        ledger_keys = stack.audit.get("/v1/keys").json()
        findings = verify_report(voucher, exchange_keys, ledger_keys=ledger_keys)
        assert all(f.ok for f in findings), findings
        assert not all(f.ok for f in verify_report(voucher, exchange_keys))  # keys needed

        files = {"voucher.json": voucher, "keys.json": exchange_keys, "ledger.json": ledger_keys}
        for name, content in files.items():
            (tmp_path / name).write_text(json.dumps(content))
        args = ["certificate", "verify", str(tmp_path / "voucher.json"), "--jwks",
                str(tmp_path / "keys.json"), "--ledger-keys", str(tmp_path / "ledger.json")]
        shown = runner.invoke(cli, args)
        assert shown.exit_code == 0 and "ledger proof" in shown.output, shown.output

        # an altered proof, even inside a document re-signed by the exchange's key
        altered = json.loads(json.dumps(voucher))
        proof = altered["ledger"]["inclusion_proof"]
        proof["audit_path"] = ["ab" * 32 for _ in proof["audit_path"]] or ["ab" * 32]
        trading: Trading = stack.exchange.app.state.trading  # type: ignore[attr-defined]
        resigned = trading.signer.sign({k: v for k, v in altered.items()
                                        if k not in ("kid", "signature")})
        findings = verify_report(resigned, exchange_keys, ledger_keys=ledger_keys)
        assert findings[0].ok and not findings[-1].ok, findings
        (tmp_path / "voucher.json").write_text(json.dumps(resigned))
        refused = runner.invoke(cli, args)
        assert refused.exit_code == 1 and "INVALID" in refused.output
        # and a checkpoint signed by nobody
        forged = json.loads(json.dumps(voucher))
        forged["ledger"]["checkpoint"]["signature"] = "00" * 64
        forged = trading.signer.sign({k: v for k, v in forged.items()
                                      if k not in ("kid", "signature")})
        assert not verify_report(forged, exchange_keys, ledger_keys=ledger_keys)[-1].ok

    def test_the_voucher_waits_while_the_ledger_is_unreachable(self, market: Market,
                                                               stack: Stack) -> None:
        order = market.paid()
        assert market.act(order, "confirm", market.buyer).status_code == 200
        relay_to_ledger(stack)
        trading: Trading = stack.exchange.app.state.trading  # type: ignore[attr-defined]
        trading.audit = AuditClient.connect("http://127.0.0.1:9", timeout=0.5)
        voucher = market.exchange.get(f"/v1/orders/{order['id']}/voucher",
                                      headers=bearer(market.buyer))
        assert voucher.status_code == 200
        assert voucher.json()["ledger"]["seq"] is not None
        assert "inclusion_proof" not in voucher.json()["ledger"]
