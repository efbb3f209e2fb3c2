"""Every service refuses every token that is not exactly right (401)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization

from services.shared.keyring import KeyRing, generate_key
from services.shared.settings import AUDIENCES
from services.shared.tokens import issue_token
from tests.stack import ISSUER, Stack

BUYER_CODE = "91110108551385082Q"
ALL_AUDIENCES = tuple(AUDIENCES.values())


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def ring(stack: Stack) -> KeyRing:
    return KeyRing(stack.var_dir / "keys" / "exchange-tokens", "ES256")


def good_claims(stack: Stack) -> dict[str, object]:
    token = stack.member(roles=["buyer"], credit_code=BUYER_CODE, username="b-admin")
    payload: dict[str, object] = json.loads(unb64(token.split(".")[1]))
    return payload


def sign(stack: Stack, **changes: object) -> str:
    claims = good_claims(stack)
    now = changes.pop("now", None)
    token, _ = issue_token(
        changes.pop("key", None) or ring(stack).active(),
        issuer=str(changes.pop("issuer", ISSUER)),
        subject=str(claims["sub"]),
        audience=changes.pop("audience", ALL_AUDIENCES),  # type: ignore[arg-type]
        ttl=changes.pop("ttl", timedelta(minutes=5)),  # type: ignore[arg-type]
        claims={"kind": "user", "org": claims["org"], "roles": claims["roles"], "name": "x"},
        now=now,  # type: ignore[arg-type]
    )
    return token


def expired(stack: Stack) -> str:
    return sign(stack, now=datetime.now(UTC) - timedelta(hours=2), ttl=timedelta(minutes=5))


def wrong_audience(stack: Stack) -> str:
    return sign(stack, audience="some-other-api")


def wrong_issuer(stack: Stack) -> str:
    return sign(stack, issuer="http://evil.test")


def unknown_kid(stack: Stack) -> str:
    return sign(stack, key=generate_key("ES256"))


def tampered_payload(stack: Stack) -> str:
    header, payload, signature = sign(stack).split(".")
    claims = json.loads(unb64(payload))
    claims["roles"] = ["operator", "regulator"]
    return ".".join([header, b64(json.dumps(claims).encode()), signature])


def alg_none(stack: Stack) -> str:
    header, payload, _ = sign(stack).split(".")
    kid = json.loads(unb64(header))["kid"]
    none_header = b64(json.dumps({"alg": "none", "kid": kid, "typ": "JWT"}).encode())
    return f"{none_header}.{payload}."


def hs256_with_public_key(stack: Stack) -> str:
    key = ring(stack).active()
    pem = key.public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    _, payload, _ = sign(stack).split(".")
    header = b64(json.dumps({"alg": "HS256", "kid": key.kid, "typ": "JWT"}).encode())
    signing_input = f"{header}.{payload}".encode()
    signature = b64(hmac.new(pem, signing_input, hashlib.sha256).digest())
    return f"{header}.{payload}.{signature}"


def missing_jti(stack: Stack) -> str:
    key = ring(stack).active()
    claims = good_claims(stack)
    del claims["jti"]
    from jose import jwt

    return str(jwt.encode(claims, key.private_pem().decode(), algorithm="ES256",
                          headers={"kid": key.kid}))


def garbage(_stack: Stack) -> str:
    return "not.a.token"


ATTACKS: dict[str, Callable[[Stack], str]] = {
    "expired": expired,
    "wrong-audience": wrong_audience,
    "wrong-issuer": wrong_issuer,
    "unknown-kid": unknown_kid,
    "tampered-payload": tampered_payload,
    "alg-none": alg_none,
    "hs256-public-key-as-secret": hs256_with_public_key,
    "missing-jti": missing_jti,
    "garbage": garbage,
}

PROTECTED = {"exchange": "/v1/me", "catalog": "/v1/whoami", "audit": "/v1/whoami"}


@pytest.mark.parametrize("service", sorted(PROTECTED))
def test_a_valid_token_passes_everywhere(stack: Stack, service: str) -> None:
    client = getattr(stack, service)
    response = client.get(PROTECTED[service], headers={"Authorization": f"Bearer {sign(stack)}"})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("service", sorted(PROTECTED))
@pytest.mark.parametrize("attack", sorted(ATTACKS))
def test_bad_tokens_are_401(stack: Stack, service: str, attack: str) -> None:
    token = ATTACKS[attack](stack)
    client = getattr(stack, service)
    response = client.get(PROTECTED[service], headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"].startswith("Bearer")


@pytest.mark.parametrize("service", sorted(PROTECTED))
@pytest.mark.parametrize("header", [None, "Basic b3BlcmF0b3I6eA==", "Bearer"])
def test_missing_or_non_bearer_credentials_are_401(
    stack: Stack, service: str, header: str | None
) -> None:
    client = getattr(stack, service)
    headers = {"Authorization": header} if header else {}
    assert client.get(PROTECTED[service], headers=headers).status_code == 401


def test_rotation_keeps_old_tokens_valid_and_signs_with_the_new_key(stack: Stack) -> None:
    before = sign(stack)
    old_kid = ring(stack).active().kid
    new_key = ring(stack).rotate()
    assert new_key.kid != old_kid
    jwks = stack.exchange.get("/.well-known/jwks.json").json()
    assert {k["kid"] for k in jwks["keys"]} == {old_kid, new_key.kid}
    for service, path in PROTECTED.items():
        client = getattr(stack, service)
        assert client.get(path, headers={"Authorization": f"Bearer {before}"}).status_code == 200
    after = stack.token("b-admin", "a-good-password")
    header = json.loads(unb64(after.split(".")[0]))
    assert header["kid"] == new_key.kid
    for service, path in PROTECTED.items():
        client = getattr(stack, service)
        assert client.get(path, headers={"Authorization": f"Bearer {after}"}).status_code == 200


def test_service_token_is_valid_only_at_its_audience(stack: Stack) -> None:
    from tests.stack import SERVICE_SECRETS

    response = stack.exchange.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": "catalog",
              "client_secret": SERVICE_SECRETS["catalog"], "audience": AUDIENCES["audit"]},
    )
    assert response.status_code == 200, response.text
    token = response.json()["access_token"]
    at_audit = stack.audit.get("/v1/whoami", headers={"Authorization": f"Bearer {token}"})
    assert at_audit.status_code == 200
    assert at_audit.json()["kind"] == "service"
    at_catalog = stack.catalog.get("/v1/whoami", headers={"Authorization": f"Bearer {token}"})
    assert at_catalog.status_code == 401


def test_service_credentials_need_a_known_audience(stack: Stack) -> None:
    from tests.stack import SERVICE_SECRETS

    response = stack.exchange.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": "audit",
              "client_secret": SERVICE_SECRETS["audit"], "audience": "everything"},
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_target"


@pytest.mark.parametrize(
    ("service", "path"),
    [("exchange", "/v1/me"), ("catalog", "/v1/datasets?mine=true"), ("audit", "/v1/entries")],
)
def test_access_grant_tokens_open_nothing_but_granted_data(
    stack: Stack, service: str, path: str
) -> None:
    claims = good_claims(stack)
    token, _ = issue_token(
        ring(stack).active(), issuer=ISSUER, subject="grt_1", audience=ALL_AUDIENCES,
        ttl=timedelta(minutes=5),
        claims={"kind": "grant", "org": claims["org"], "roles": [], "grant_id": "grt_1",
                "order_id": "ord_1", "dataset_ids": ["ds_1"]},
    )
    headers = {"Authorization": f"Bearer {token}"}
    response = getattr(stack, service).get(path, headers=headers)
    assert response.status_code == 401
    assert response.json()["type"].endswith("grant-token-misused")
    if service != "exchange":  # whoami still says what the token is
        assert getattr(stack, service).get("/v1/whoami", headers=headers).json()["kind"] == "grant"
