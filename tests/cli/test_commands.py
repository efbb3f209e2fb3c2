"""The ``dataex`` command's offline checks: exit codes and what they print."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from services.cli.main import app
from services.exchange.certificates.signing import sign_document
from services.shared.keyring import generate_key

runner = CliRunner()


def signed_voucher(tmp_path: Path) -> tuple[Path, Path, dict[str, object]]:
    key = generate_key("ES256")
    document = sign_document(
        {"type": "dataex.trade_voucher", "voucher_id": "vch_1", "amount_fen": 120000}, key
    )
    doc_path = tmp_path / "voucher.json"
    doc_path.write_text(json.dumps(document))
    jwks_path = tmp_path / "jwks.json"
    jwks_path.write_text(json.dumps({"keys": [key.jwk()]}))
    return doc_path, jwks_path, document


def test_certificate_verify_accepts_a_signed_document(tmp_path: Path) -> None:
    doc, jwks, _ = signed_voucher(tmp_path)
    result = runner.invoke(app, ["certificate", "verify", str(doc), "--jwks", str(jwks)])
    assert result.exit_code == 0, result.output
    assert "VALID" in result.output


def test_certificate_verify_rejects_a_changed_amount(tmp_path: Path) -> None:
    doc, jwks, document = signed_voucher(tmp_path)
    doc.write_text(json.dumps({**document, "amount_fen": 1}))
    result = runner.invoke(app, ["certificate", "verify", str(doc), "--jwks", str(jwks)])
    assert result.exit_code == 1
    assert "INVALID" in result.output


def test_verify_reports_a_missing_bundle(tmp_path: Path) -> None:
    result = runner.invoke(app, ["verify", str(tmp_path / "nope.jsonl")])
    assert result.exit_code == 2
