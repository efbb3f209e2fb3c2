"""Detached JWS over a statement's canonical JSON: both algorithms, and every way a
signature can be wrong."""

from __future__ import annotations

import pytest

from services.shared import party_signatures
from services.shared.keyring import generate_key

STATEMENT = {"type": "dataex.acceptance_statement", "order_id": "ord_1",
             "contract_sha256": "a" * 64, "role": "buyer", "org_id": "org_1"}


@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_a_signature_verifies_with_its_key_only(alg: str) -> None:
    key, other = generate_key(alg), generate_key(alg)  # type: ignore[arg-type]
    jws = party_signatures.sign(STATEMENT, key.private_key)
    _header, empty, _ = jws.split(".")
    assert empty == ""
    parsed = party_signatures.verify(dict(reversed(STATEMENT.items())), jws, key.jwk())
    assert (parsed.alg, parsed.kid) == (alg, key.kid)
    with pytest.raises(party_signatures.BadSignature, match="names key"):
        party_signatures.verify(STATEMENT, jws, other.jwk())
    with pytest.raises(party_signatures.BadSignature, match="does not match"):
        party_signatures.verify({**STATEMENT, "role": "provider"}, jws, key.jwk())


@pytest.mark.parametrize("jws", ["", "a.b.c", "a..b..c", "eyJhbGciOiJub25lIn0..AAAA"])
def test_malformed_signatures_are_refused(jws: str) -> None:
    key = generate_key("EdDSA")
    with pytest.raises(party_signatures.BadSignature):
        party_signatures.verify(STATEMENT, jws, key.jwk())


def test_a_signature_with_the_wrong_alg_header_is_refused() -> None:
    es, ed = generate_key("ES256"), generate_key("EdDSA")
    jws = party_signatures.sign(STATEMENT, ed.private_key)
    with pytest.raises(party_signatures.BadSignature):
        party_signatures.verify(STATEMENT, jws, es.jwk())


def test_key_ids_are_thumbprints_and_private_keys_are_refused() -> None:
    key = generate_key("ES256")
    assert party_signatures.key_id(key.jwk()) == key.kid
    with pytest.raises(party_signatures.BadSignature, match="private"):
        party_signatures.key_algorithm({**key.jwk(), "d": "x"})
