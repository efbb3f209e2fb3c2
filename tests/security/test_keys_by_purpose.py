"""Issue 18, item 8: tokens, documents and checkpoints are signed with separate keys,
each named by kid and purpose, each rotatable on its own; keys at rest can be encrypted
with a passphrase or read from a folder the platform mounts."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from services.cli.main import app as cli
from services.exchange.app import create_app as create_exchange
from services.exchange.certificates.signing import DocumentSigner, sign_document
from services.exchange.certificates.verify import verify_document
from services.shared.keyring import KeyRing
from tests.stack import Stack, exchange_settings

DOC = {"type": "dataex.registration_certificate", "certificate_no": "DXRC-1",
       "asset": {"id": "ast_1", "name": "客流数据"}, "rights": ["holding"],
       "dataset_hashes": [], "issued_at": "2026-03-01T00:00:00.000000Z"}


def kid_of(token: str) -> str:
    header = token.split(".")[0]
    return str(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["kid"])


def kids(keys: list[dict[str, Any]]) -> set[str]:
    return {k["kid"] for k in keys}


def test_each_keys_purpose_is_published(stack: Stack) -> None:
    tokens = stack.exchange.get("/.well-known/jwks.json").json()["keys"]
    documents = stack.exchange.get("/v1/signing-keys").json()["keys"]
    checkpoints = stack.audit.get("/v1/keys").json()["ledger"]
    assert {k["purpose"] for k in tokens} == {"tokens"}
    assert {k["purpose"] for k in documents} == {"documents"}
    assert {k["purpose"] for k in checkpoints} == {"checkpoints"}
    assert all(k["use"] == "sig" for k in tokens + documents + checkpoints)
    assert not kids(tokens) & kids(documents)
    assert not kids(checkpoints) & (kids(tokens) | kids(documents))


def test_tokens_and_documents_are_signed_by_their_own_keys(stack: Stack) -> None:
    token = stack.operator_token()
    tokens = kids(stack.exchange.get("/.well-known/jwks.json").json()["keys"])
    documents = kids(stack.exchange.get("/v1/signing-keys").json()["keys"])
    assert kid_of(token) in tokens
    signed = stack.exchange.app.state.trading.signer.sign(DOC)  # type: ignore[attr-defined]
    assert signed["kid"] in documents and signed["kid"] not in tokens


def test_a_document_signed_with_a_token_key_is_refused(stack: Stack) -> None:
    token_ring = KeyRing(stack.var_dir / "keys" / "exchange-tokens", "ES256", "tokens")
    forged = sign_document(DOC, token_ring.active())
    published = stack.exchange.get("/.well-known/jwks.json").json()
    result = verify_document(forged, published)
    assert not result.valid and "tokens key" in result.reason
    answer = stack.exchange.post("/v1/certificates/verify", json=forged)
    if answer.status_code == 200:  # the exchange's own check says the same
        assert answer.json()["valid"] is False


def test_rotation_by_purpose(stack: Stack) -> None:
    def published() -> tuple[set[str], set[str]]:
        return (kids(stack.exchange.get("/.well-known/jwks.json").json()["keys"]),
                kids(stack.exchange.get("/v1/signing-keys").json()["keys"]))

    tokens_before, documents_before = published()
    runner = CliRunner()
    rotated = runner.invoke(cli, ["keys", "rotate", "--purpose", "documents",
                                  "--var-dir", str(stack.var_dir)])
    assert rotated.exit_code == 0, rotated.output
    tokens_after, documents_after = published()
    assert tokens_after == tokens_before
    assert documents_after > documents_before and len(documents_after) == 2
    rotated = runner.invoke(cli, ["keys", "rotate", "--purpose", "checkpoints",
                                  "--var-dir", str(stack.var_dir)])
    assert rotated.exit_code == 0, rotated.output
    assert "new checkpoints signing key" in rotated.output
    bad = runner.invoke(cli, ["keys", "rotate", "--purpose", "everything",
                              "--var-dir", str(stack.var_dir)])
    assert bad.exit_code != 0


def test_keys_at_rest_encrypted_with_a_passphrase(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path / "ring", "ES256", "documents", passphrase=b"correct horse")
    key = ring.ensure()
    pem = (tmp_path / "ring" / f"{key.kid}.pem").read_bytes()
    assert pem.startswith(b"-----BEGIN ENCRYPTED PRIVATE KEY-----")
    assert ring.active().kid == key.kid
    with pytest.raises(ValueError, match="passphrase"):
        KeyRing(tmp_path / "ring", "ES256", "documents").active()
    # A key written before the passphrase was set still loads; the next one is encrypted.
    plain = KeyRing(tmp_path / "plain", "ES256").ensure()
    upgraded = KeyRing(tmp_path / "plain", "ES256", passphrase=b"correct horse")
    assert upgraded.active().kid == plain.kid
    new = upgraded.rotate()
    assert b"ENCRYPTED" in (tmp_path / "plain" / f"{new.kid}.pem").read_bytes()


def test_exchange_encrypts_its_keys_when_a_passphrase_is_set(
        fresh_db: Any, tmp_path: Path) -> None:
    settings = exchange_settings(fresh_db("exchange"), tmp_path, key_passphrase="s3cret-pass")
    with TestClient(create_exchange(settings)) as exchange:
        assert exchange.get("/.well-known/jwks.json").status_code == 200
    pems = list((tmp_path / "keys").glob("*/*.pem"))
    assert {p.parent.name for p in pems} >= {"exchange-tokens", "exchange-documents"}
    assert all(p.read_bytes().startswith(b"-----BEGIN ENCRYPTED") for p in pems)


def test_keys_read_from_a_mounted_folder(fresh_db: Any, tmp_path: Path) -> None:
    mounted = tmp_path / "mounted"
    token_key = KeyRing(mounted / "exchange-tokens", "ES256", "tokens").ensure()
    document_key = KeyRing(mounted / "exchange-documents", "ES256", "documents").ensure()
    KeyRing(mounted / "exchange-ledger", "EdDSA", "ledger-events").ensure()
    settings = exchange_settings(fresh_db("exchange"), tmp_path / "var",
                                 keys_mounted_dir=mounted)
    with TestClient(create_exchange(settings)) as exchange:
        assert kids(exchange.get("/.well-known/jwks.json").json()["keys"]) == {token_key.kid}
        assert kids(exchange.get("/v1/signing-keys").json()["keys"]) == {document_key.kid}
    assert not (tmp_path / "var" / "keys").exists()
    with pytest.raises(PermissionError, match="read-only"):
        settings.key_ring("exchange-tokens", "ES256", "tokens").rotate()


def test_documents_signed_before_the_split_still_verify(tmp_path: Path) -> None:
    tokens = KeyRing(tmp_path / "exchange-tokens", "ES256", "tokens")
    old = tokens.ensure()
    signed_then = sign_document(DOC, old)  # when the token ring signed documents
    signer = DocumentSigner(KeyRing(tmp_path / "exchange-documents", "ES256", "documents"),
                            legacy=tokens)
    published = signer.jwks()
    legacy = [k for k in published["keys"] if k["kid"] == old.kid]
    assert legacy and legacy[0]["purpose"] == "tokens"
    assert "signed_documents_until" in legacy[0]
    assert verify_document(signed_then, published).valid
    assert verify_document(signer.sign(DOC), published).valid
