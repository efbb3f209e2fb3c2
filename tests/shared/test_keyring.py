"""Signing keys on disk: created owner-only, rotated with a grace period."""

from __future__ import annotations

import stat
from datetime import timedelta
from pathlib import Path

import pytest

from services.shared.keyring import KeyRing, jwk_thumbprint, public_jwk


@pytest.mark.parametrize("alg", ["ES256", "EdDSA"])
def test_first_key_is_created_readable_by_its_owner_only(tmp_path: Path, alg: str) -> None:
    ring = KeyRing(tmp_path / "ring", alg)  # type: ignore[arg-type]
    key = ring.ensure()
    assert ring.ensure().kid == key.kid  # a second start reuses it
    assert stat.S_IMODE((tmp_path / "ring").stat().st_mode) == 0o700
    for path in (tmp_path / "ring").iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
    assert key.kid == jwk_thumbprint(public_jwk(key.public_key))


def test_rfc7638_thumbprint_example() -> None:
    # RFC 7638 §3.1 uses an RSA key; this checks the same construction on the EC
    # example of RFC 7517 §A.1 against a thumbprint computed independently.
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
        "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM",
    }
    assert jwk_thumbprint(jwk) == "cn-I_WNMClehiVp51i_0VpOENW1upEerA8sEam5hn-s"


def test_rotation_keeps_old_keys_for_the_grace_period_only(tmp_path: Path) -> None:
    ring = KeyRing(tmp_path, "ES256")
    first = ring.ensure()
    second = ring.rotate()
    assert ring.active().kid == second.kid
    kids = {k.kid for k in ring.verification_keys(grace=timedelta(hours=1))}
    assert kids == {first.kid, second.kid}
    assert {k.kid for k in ring.verification_keys(grace=timedelta(0))} == {second.kid}
    assert {k["kid"] for k in ring.jwks(grace=timedelta(hours=1))["keys"]} == kids
