"""Signed documents verify offline with the published keys, and only unchanged ones do."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from services.exchange.certificates.signing import DocumentSigner, sign_document
from services.exchange.certificates.verify import verify_document, verify_files
from services.shared.keyring import KeyRing, generate_key

DOC = {"type": "dataex.registration_certificate", "certificate_no": "DXRC-1",
       "asset": {"id": "ast_1", "name": "客流数据"}, "rights": ["holding"],
       "dataset_hashes": [], "issued_at": "2026-03-01T00:00:00.000000Z"}


@pytest.fixture
def ring(tmp_path: Path) -> KeyRing:
    ring = KeyRing(tmp_path / "ring", "ES256")
    ring.ensure()
    return ring


def test_a_signed_document_verifies_with_the_key_set(ring: KeyRing) -> None:
    signed = DocumentSigner(ring).sign(DOC)
    result = verify_document(signed, ring.jwks())
    assert (result.valid, result.type, result.kid) == (True, DOC["type"], ring.active().kid)


@pytest.mark.parametrize("change", [
    {"rights": ["holding", "operation"]},
    {"certificate_no": "DXRC-2"},
    {"kid": "someone-else"},
    {"signature": "AAAA"},
    {"type": "dataex.trade_voucher"},
])
def test_any_change_breaks_it(ring: KeyRing, change: dict[str, object]) -> None:
    signed = DocumentSigner(ring).sign(DOC)
    assert not verify_document({**signed, **change}, ring.jwks()).valid


def test_a_stranger_key_does_not_verify(ring: KeyRing) -> None:
    forged = sign_document(DOC, generate_key("ES256"))
    result = verify_document(forged, ring.jwks())
    assert not result.valid
    assert "not in the key set" in result.reason


def test_documents_outlive_a_key_rotation(ring: KeyRing) -> None:
    signer = DocumentSigner(ring, reload_seconds=0)
    old = signer.sign(DOC)
    ring.rotate()
    new = signer.sign(DOC)
    assert old["kid"] != new["kid"]
    assert verify_document(old, signer.jwks()).valid
    assert verify_document(new, signer.jwks()).valid


def test_unknown_types_are_neither_signed_nor_accepted(ring: KeyRing) -> None:
    with pytest.raises(ValueError):
        sign_document({"type": "something"}, ring.active())
    assert not verify_document({"type": "something", "kid": "k", "signature": "s"},
                               ring.jwks()).valid


def test_verify_files_offline(ring: KeyRing, tmp_path: Path) -> None:
    doc_path, keys_path = tmp_path / "certificate.json", tmp_path / "jwks.json"
    doc_path.write_text(json.dumps(DocumentSigner(ring).sign(DOC), ensure_ascii=False))
    keys_path.write_text(json.dumps(ring.jwks()))
    assert verify_files(doc_path, keys_path).valid
    assert not verify_files(tmp_path / "missing.json", keys_path).valid


def test_catalog_documents_give_what_they_have() -> None:
    from services.clients import facts_from_document

    bare = facts_from_document({"id": "ds_1", "status": "listed", "publisher": {"id": "org_p"},
                                "title": {"zh": "客流"}, "metadata_sha256": "ab" * 32})
    assert (bare.content_basis, bare.quality_score, bare.rows) == ("metadata", None, None)
    full = facts_from_document({
        "id": "ds_1", "status": "listed", "publisher": {"id": "org_p"}, "title": "客流",
        "metadata_sha256": "ab" * 32, "quality": {"overall_score": "87.50"},
        "files": [{"id": "f2", "sha256": "cd" * 32, "rows": 10},
                  {"id": "f1", "sha256": "ef" * 32, "rows": 5}, {"id": "f3"}]})
    assert (full.content_basis, full.quality_score, full.rows) == ("files", 88, 15)
    assert [f.id for f in full.files] == ["f1", "f2"]
    assert full.content_sha256 != bare.content_sha256
