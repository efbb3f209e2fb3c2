"""Signing keys kept on disk, created on first start and rotated on demand.

A key ring is a directory of PEM private keys (mode 0600, in a 0700 directory) and a
``keyring.json`` index saying when each key was created and retired. The newest
unretired key signs; retired keys keep verifying for a grace period so that what they
signed (tokens, say) stays valid until it expires. Key ids are RFC 7638 JWK
thumbprints, so anyone holding the public key can recompute them.

Each ring serves one purpose (``tokens``, ``documents``, ``checkpoints``,
``ledger-events``), named in every JWK it publishes as ``"purpose"`` beside the standard
``"use": "sig"``, so that a verifier can refuse a key used for something else. With a
passphrase, private keys are stored encrypted (PKCS#8, the best encryption the
``cryptography`` library offers); unencrypted keys written earlier still load, and are
re-encrypted at the next rotation. A read-only ring reads keys the platform mounted
(a secret volume, say) and never writes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519

Algorithm = Literal["ES256", "EdDSA"]
PrivateKey = ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey
PublicKey = ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey


def b64url(data: bytes) -> str:
    """Unpadded base64url, as JOSE uses it."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    """Decode unpadded base64url."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_jwk(public_key: PublicKey) -> dict[str, str]:
    """The public JWK members (no ``kid``/``alg``) of an EC P-256 or Ed25519 key."""
    if isinstance(public_key, ed25519.Ed25519PublicKey):
        raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)}
    numbers = public_key.public_numbers()
    return {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url(numbers.x.to_bytes(32, "big")),
        "y": b64url(numbers.y.to_bytes(32, "big")),
    }


def jwk_thumbprint(jwk: dict[str, str]) -> str:
    """RFC 7638 thumbprint (SHA-256, base64url) of a public JWK."""
    required = {"EC": ("crv", "kty", "x", "y"), "OKP": ("crv", "kty", "x")}[jwk["kty"]]
    members = {name: jwk[name] for name in required}
    canonical = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return b64url(hashlib.sha256(canonical).digest())


def public_key_from_jwk(jwk: dict[str, Any]) -> PublicKey:
    """Load an EC P-256 or Ed25519 public key from its JWK form."""
    if jwk.get("kty") == "OKP" and jwk.get("crv") == "Ed25519":
        return ed25519.Ed25519PublicKey.from_public_bytes(b64url_decode(jwk["x"]))
    if jwk.get("kty") == "EC" and jwk.get("crv") == "P-256":
        x = int.from_bytes(b64url_decode(jwk["x"]), "big")
        y = int.from_bytes(b64url_decode(jwk["y"]), "big")
        return ec.EllipticCurvePublicNumbers(x, y, ec.SECP256R1()).public_key()
    raise ValueError("unsupported key type: only EC P-256 and Ed25519 keys are accepted")


@dataclass(frozen=True)
class KeyRecord:
    """One key of a ring: its id, algorithm and lifetime."""

    kid: str
    alg: Algorithm
    created_at: datetime
    retired_at: datetime | None = None


@dataclass(frozen=True)
class SigningKey:
    """A private key with its id and algorithm."""

    kid: str
    alg: Algorithm
    private_key: PrivateKey
    purpose: str | None = None

    @property
    def public_key(self) -> PublicKey:
        """The matching public key."""
        return self.private_key.public_key()

    def jwk(self) -> dict[str, str]:
        """The public JWK with ``kid``, ``alg``, ``use`` and (for a ring's key) its
        ``purpose``."""
        jwk = {**public_jwk(self.public_key), "kid": self.kid, "alg": self.alg, "use": "sig"}
        if self.purpose:
            jwk["purpose"] = self.purpose
        return jwk

    def private_pem(self, passphrase: bytes | None = None) -> bytes:
        """The private key as PKCS#8 PEM, encrypted with ``passphrase`` if given."""
        encryption: serialization.KeySerializationEncryption = (
            serialization.BestAvailableEncryption(passphrase) if passphrase
            else serialization.NoEncryption())
        return self.private_key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)


def generate_key(alg: Algorithm) -> SigningKey:
    """A new random key for ``alg``."""
    private: PrivateKey
    if alg == "ES256":
        private = ec.generate_private_key(ec.SECP256R1())
    elif alg == "EdDSA":
        private = ed25519.Ed25519PrivateKey.generate()
    else:  # pragma: no cover - Literal guards this
        raise ValueError(alg)
    return SigningKey(jwk_thumbprint(public_jwk(private.public_key())), alg, private)


def _write_private(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


class KeyRing:
    """A directory of signing keys for one purpose (token signing, ledger signing...)."""

    INDEX = "keyring.json"

    def __init__(self, directory: Path, alg: Algorithm, purpose: str | None = None, *,
                 passphrase: bytes | None = None, read_only: bool = False) -> None:
        self.directory = Path(directory)
        self.alg = alg
        self.purpose = purpose
        self.passphrase = passphrase or None
        self.read_only = read_only

    def records(self) -> list[KeyRecord]:
        """Every key of the ring with its creation and retirement times."""
        return self._records()

    def _records(self) -> list[KeyRecord]:
        index = self.directory / self.INDEX
        if not index.exists():
            return []
        raw = json.loads(index.read_text())
        return [
            KeyRecord(
                kid=item["kid"],
                alg=item["alg"],
                created_at=datetime.fromisoformat(item["created_at"]),
                retired_at=datetime.fromisoformat(item["retired_at"])
                if item.get("retired_at")
                else None,
            )
            for item in raw["keys"]
        ]

    def _save(self, records: list[KeyRecord]) -> None:
        doc = {
            "keys": [
                {
                    "kid": r.kid,
                    "alg": r.alg,
                    "created_at": r.created_at.isoformat(),
                    "retired_at": r.retired_at.isoformat() if r.retired_at else None,
                }
                for r in records
            ]
        }
        tmp = self.directory / (self.INDEX + ".tmp")
        tmp.write_text(json.dumps(doc, indent=2))
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.directory / self.INDEX)

    def _load(self, kid: str) -> SigningKey:
        pem = (self.directory / f"{kid}.pem").read_bytes()
        encrypted = b"ENCRYPTED" in pem.split(b"\n", 1)[0]
        if encrypted and not self.passphrase:
            raise ValueError(f"key {kid} in {self.directory} is encrypted: set the key "
                             f"passphrase")
        private = serialization.load_pem_private_key(
            pem, password=self.passphrase if encrypted else None)
        if not isinstance(private, ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey):
            raise ValueError(f"key {kid} has an unsupported type")
        return SigningKey(kid, self.alg, private, self.purpose)

    def ensure(self) -> SigningKey:
        """The active key, creating the directory and a first key if there is none (a
        read-only ring only reads its active key)."""
        if self.read_only:
            return self.active()
        self.directory.mkdir(parents=True, exist_ok=True)
        os.chmod(self.directory, 0o700)
        records = self._records()
        if not any(r.retired_at is None for r in records):
            return self.rotate()
        return self.active()

    def active(self) -> SigningKey:
        """The newest key that is not retired."""
        live = [r for r in self._records() if r.retired_at is None]
        if not live:
            raise LookupError(f"no active key in {self.directory}")
        return self._load(max(live, key=lambda r: r.created_at).kid)

    def rotate(self) -> SigningKey:
        """Create a new active key and retire the previous ones (they keep verifying)."""
        if self.read_only:
            raise PermissionError(f"the keys in {self.directory} are mounted read-only: "
                                  f"rotate them where the platform keeps them")
        self.directory.mkdir(parents=True, exist_ok=True)
        key = generate_key(self.alg)
        key = SigningKey(key.kid, key.alg, key.private_key, self.purpose)
        _write_private(self.directory / f"{key.kid}.pem", key.private_pem(self.passphrase))
        now = datetime.now(UTC)
        records = [
            r if r.retired_at else KeyRecord(r.kid, r.alg, r.created_at, now)
            for r in self._records()
        ]
        records.append(KeyRecord(key.kid, self.alg, now))
        self._save(records)
        return key

    def verification_keys(self, grace: timedelta | None = None) -> list[SigningKey]:
        """Keys whose signatures are still accepted: the active one, and retired ones
        within ``grace`` of their retirement (all of them when ``grace`` is None)."""
        now = datetime.now(UTC)
        keep = [
            r
            for r in self._records()
            if r.retired_at is None or grace is None or r.retired_at + grace > now
        ]
        return [self._load(r.kid) for r in keep]

    def jwks(self, grace: timedelta | None = None) -> dict[str, list[dict[str, str]]]:
        """The JWK Set of the keys that still verify."""
        return {"keys": [k.jwk() for k in self.verification_keys(grace)]}
