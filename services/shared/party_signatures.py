"""A party's own signature over a statement: detached JWS (RFC 7515 Appendix F).

Pure code, no I/O: the exchange verifies signatures with it on receipt, ``dataex sign``
makes them and ``dataex certificate verify`` checks them offline.

What is signed is a *statement*, a JSON object (``{"type": ..., "order_id": ...}``).
Its payload is the statement's RFC 8785 canonical JSON. The signature is a JWS in
compact form with the payload left out (``HEADER..SIGNATURE``):

- ``HEADER`` is base64url(JSON of ``{"alg": "ES256" | "EdDSA", "kid": KID}``), where
  ``KID`` is the RFC 7638 thumbprint of the signer's public JWK;
- ``SIGNATURE`` is base64url of the signature over
  ``HEADER + "." + base64url(canonical JSON of the statement)`` (ES256: the 64-byte
  ``r || s`` of ECDSA P-256 with SHA-256; EdDSA: the 64-byte Ed25519 signature).

Any JOSE library verifies it after putting the base64url payload back between the dots.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed25519
from cryptography.hazmat.primitives.asymmetric.utils import (
    decode_dss_signature,
    encode_dss_signature,
)

from services.shared.canonical import NotCanonicalisable, canonical_json
from services.shared.keyring import (
    PrivateKey,
    b64url,
    b64url_decode,
    jwk_thumbprint,
    public_jwk,
    public_key_from_jwk,
)

ALGORITHMS = {"ES256": ("EC", "P-256"), "EdDSA": ("OKP", "Ed25519")}
"""The algorithms a party key may use, with the JWK ``kty`` and ``crv`` each needs."""


class BadSignature(ValueError):
    """A signature, or the key it is checked with, is malformed or does not verify."""


@dataclass(frozen=True)
class DetachedJws:
    """The parts of a detached compact JWS."""

    header_b64: str
    alg: str
    kid: str
    signature: bytes


def key_algorithm(jwk: dict[str, Any]) -> str:
    """``ES256`` or ``EdDSA`` for a public P-256 or Ed25519 JWK; :class:`BadSignature`
    for anything else (other curves, RSA, symmetric or private keys)."""
    if not isinstance(jwk, dict):
        raise BadSignature("a key is a JWK: a JSON object")
    if "d" in jwk:
        raise BadSignature("this is a private key: register only the public JWK (no \"d\")")
    for alg, (kty, crv) in ALGORITHMS.items():
        if jwk.get("kty") == kty and jwk.get("crv") == crv:
            try:
                public_key_from_jwk(jwk)
            except (KeyError, ValueError, TypeError) as exc:
                raise BadSignature(f"the {crv} key's coordinates are not valid: {exc}") from exc
            return alg
    raise BadSignature("only EC P-256 (ES256) and OKP Ed25519 (EdDSA) public keys are accepted")


def key_id(jwk: dict[str, Any]) -> str:
    """The key's id: its RFC 7638 thumbprint."""
    key_algorithm(jwk)
    return jwk_thumbprint(jwk)


def public_member_jwk(jwk: dict[str, Any]) -> dict[str, str]:
    """The public JWK as stored: key members only, with ``kid``, ``alg`` and ``use``."""
    alg = key_algorithm(jwk)
    members = public_jwk(public_key_from_jwk(jwk))
    return {**members, "kid": jwk_thumbprint(members), "alg": alg, "use": "sig"}


def payload(statement: dict[str, Any]) -> bytes:
    """The bytes a party signs: the statement's canonical JSON."""
    try:
        return canonical_json(statement)
    except NotCanonicalisable as exc:
        raise BadSignature(f"the statement cannot be canonicalised: {exc}") from exc


def parse(jws: str) -> DetachedJws:
    """Split a detached compact JWS; :class:`BadSignature` if it is not one."""
    if not isinstance(jws, str):
        raise BadSignature("the signature must be a string HEADER..SIGNATURE")
    parts = jws.split(".")
    if len(parts) != 3 or parts[1] != "":
        raise BadSignature("the signature must be a detached JWS: HEADER..SIGNATURE "
                           "(the payload part empty)")
    try:
        header = json.loads(b64url_decode(parts[0]))
        signature = b64url_decode(parts[2])
    except ValueError as exc:
        raise BadSignature(f"the JWS is not base64url JSON: {exc}") from exc
    if not isinstance(header, dict):
        raise BadSignature("the JWS header is not a JSON object")
    alg, kid = header.get("alg"), header.get("kid")
    if alg not in ALGORITHMS:
        raise BadSignature(f"the JWS alg must be ES256 or EdDSA, not {alg!r}")
    if not isinstance(kid, str) or not kid:
        raise BadSignature("the JWS header names no kid")
    if set(header) - {"alg", "kid", "typ"}:
        raise BadSignature("the JWS header may hold only alg, kid and typ")
    return DetachedJws(parts[0], alg, kid, signature)


def _signing_input(header_b64: str, statement: dict[str, Any]) -> bytes:
    return f"{header_b64}.{b64url(payload(statement))}".encode("ascii")


def sign(statement: dict[str, Any], private_key: PrivateKey) -> str:
    """The detached JWS of ``statement`` by ``private_key`` (P-256 or Ed25519)."""
    jwk = public_jwk(private_key.public_key())
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        alg = "ES256"
    elif isinstance(private_key, ed25519.Ed25519PrivateKey):
        alg = "EdDSA"
    else:
        raise BadSignature("only P-256 and Ed25519 keys sign statements")
    header = {"alg": alg, "kid": jwk_thumbprint(jwk)}
    header_b64 = b64url(json.dumps(header, separators=(",", ":"), sort_keys=True).encode())
    message = _signing_input(header_b64, statement)
    if isinstance(private_key, ec.EllipticCurvePrivateKey):
        r, s = decode_dss_signature(private_key.sign(message, ec.ECDSA(hashes.SHA256())))
        raw = r.to_bytes(32, "big") + s.to_bytes(32, "big")
    else:
        raw = private_key.sign(message)
    return f"{header_b64}..{b64url(raw)}"


def verify(statement: dict[str, Any], jws: str, jwk: dict[str, Any]) -> DetachedJws:
    """Check that ``jws`` signs ``statement`` with the key ``jwk``; the parsed JWS, or
    :class:`BadSignature` saying what is wrong."""
    parsed = parse(jws)
    alg = key_algorithm(jwk)
    if parsed.kid != jwk_thumbprint(jwk):
        raise BadSignature(f"the JWS names key {parsed.kid}, not {jwk_thumbprint(jwk)}")
    if parsed.alg != alg:
        raise BadSignature(f"the JWS says {parsed.alg} but the key is an {alg} key")
    if len(parsed.signature) != 64:
        raise BadSignature(f"an {alg} signature is 64 bytes, not {len(parsed.signature)}")
    message = _signing_input(parsed.header_b64, statement)
    key = public_key_from_jwk(jwk)
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            raw = parsed.signature
            der = encode_dss_signature(int.from_bytes(raw[:32], "big"),
                                       int.from_bytes(raw[32:], "big"))
            key.verify(der, message, ec.ECDSA(hashes.SHA256()))
        else:
            key.verify(parsed.signature, message)
    except InvalidSignature as exc:
        raise BadSignature("the signature does not match the statement and key") from exc
    return parsed
