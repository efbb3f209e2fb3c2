"""Issue 18, item 4 (second factor): operators and regulators sign in with a TOTP code;
enrolment on first sign-in (a token that can only enrol), recovery codes shown once and
good once, codes not accepted twice.

Finding covered: "one stolen operator token can do [much] in seconds ... item 4's second
factor ... [is] what stand[s] against that": a stolen operator password alone no longer
gets a token.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient

from services.exchange.app import create_app
from tests.stack import OPERATOR, exchange_settings


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def exchange(fresh_db: Callable[[str], str], tmp_path: Path) -> Iterator[TestClient]:
    """An exchange that requires a second factor of operators and regulators."""
    settings = exchange_settings(fresh_db("exchange"), tmp_path,
                                 mfa_required_roles="operator,regulator")
    with TestClient(create_app(settings)) as client:
        yield client


def sign_in(exchange: TestClient, code: str | None = None,
            user: tuple[str, str] = OPERATOR) -> Any:
    form = {"grant_type": "password", "username": user[0], "password": user[1]}
    if code is not None:
        form["totp_code"] = code
    return exchange.post("/v1/auth/token", data=form)


def enrol(exchange: TestClient) -> tuple[pyotp.TOTP, list[str]]:
    """Enrol the operator through the enrolment token; its TOTP and recovery codes."""
    refused = sign_in(exchange)
    assert refused.status_code == 400, refused.text
    problem = refused.json()
    assert problem["type"].endswith(":mfa-enrolment-required")
    enrolment = problem["mfa_enrolment_token"]
    started = exchange.post("/v1/me/mfa/totp", headers=bearer(enrolment))
    assert started.status_code == 200, started.text
    secret = started.json()["secret"]
    assert started.json()["otpauth_uri"].startswith("otpauth://totp/dataex:operator?secret=")
    totp = pyotp.TOTP(secret)
    confirmed = exchange.post("/v1/me/mfa/totp/confirm", json={"code": totp.now()},
                              headers=bearer(enrolment))
    assert confirmed.status_code == 200, confirmed.text
    codes = confirmed.json()["recovery_codes"]
    assert len(codes) == 10 and len(set(codes)) == 10
    return totp, codes


def next_code(totp: pyotp.TOTP) -> str:
    """The code of the next time step (accepted for clock drift, not yet used)."""
    return totp.at(time.time() + 30)


def test_an_operator_password_alone_gets_no_token(exchange: TestClient) -> None:
    answer = sign_in(exchange)
    assert answer.status_code == 400 and "access_token" not in answer.json()
    assert answer.json()["error"] == "invalid_grant"
    wrong_password = sign_in(exchange, user=(OPERATOR[0], "wrong-password"))
    assert wrong_password.status_code == 400
    assert "mfa_enrolment_token" not in wrong_password.json()


def test_the_enrolment_token_only_enrols(exchange: TestClient) -> None:
    enrolment = sign_in(exchange).json()["mfa_enrolment_token"]
    for method, path in (("GET", "/v1/me"), ("GET", "/v1/organizations"),
                         ("POST", "/v1/api-keys")):
        answer = exchange.request(method, path, headers=bearer(enrolment), json={"name": "x"})
        assert answer.status_code == 401, (path, answer.text)
        assert answer.json()["type"].endswith(":enrolment-token-misused")
    status = exchange.get("/v1/me/mfa", headers=bearer(enrolment)).json()
    assert status == {"enrolled": False, "required": True, "enrolled_at": None,
                      "recovery_codes_left": 0}


def test_an_enrolled_operator_signs_in_with_a_code_once(exchange: TestClient) -> None:
    totp, _ = enrol(exchange)
    missing = sign_in(exchange)
    assert missing.status_code == 400 and missing.json()["type"].endswith(":mfa-required")
    wrong = sign_in(exchange, "000000" if totp.now() != "000000" else "111111")
    assert wrong.status_code == 400 and wrong.json()["type"].endswith(":mfa-invalid-code")
    code = next_code(totp)
    signed = sign_in(exchange, code)
    assert signed.status_code == 200, signed.text
    token = signed.json()["access_token"]
    assert exchange.get("/v1/organizations", headers=bearer(token)).status_code == 200
    replayed = sign_in(exchange, code)
    assert replayed.status_code == 400 and replayed.json()["type"].endswith(":mfa-invalid-code")
    status = exchange.get("/v1/me/mfa", headers=bearer(token)).json()
    assert status["enrolled"] and status["required"] and status["recovery_codes_left"] == 10
    again = exchange.post("/v1/me/mfa/totp", headers=bearer(token))
    assert again.status_code == 409


def test_a_recovery_code_signs_in_once(exchange: TestClient) -> None:
    _, codes = enrol(exchange)
    assert sign_in(exchange, codes[0].upper()).status_code == 200
    reused = sign_in(exchange, codes[0])
    assert reused.status_code == 400
    outbox = [e for e in _events(exchange) if e["type"].startswith("user.mfa")]
    assert [e["type"] for e in outbox] == ["user.mfa_enabled", "user.mfa_recovery_code_used"]
    assert codes[0] not in str(outbox)


def test_confirmation_needs_the_new_secrets_code(exchange: TestClient) -> None:
    enrolment = sign_in(exchange).json()["mfa_enrolment_token"]
    assert exchange.post("/v1/me/mfa/totp/confirm", json={"code": "123456"},
                         headers=bearer(enrolment)).status_code == 409
    exchange.post("/v1/me/mfa/totp", headers=bearer(enrolment))
    bad = exchange.post("/v1/me/mfa/totp/confirm", json={"code": "12345a"},
                        headers=bearer(enrolment))
    assert bad.status_code == 422


def test_members_without_the_role_are_not_asked(exchange: TestClient) -> None:
    totp, _ = enrol(exchange)
    operator = sign_in(exchange, next_code(totp)).json()["access_token"]
    created = exchange.post("/v1/organizations", headers=bearer(operator), json={
        "name": "杭州测试公司", "credit_code": "91330106MA2CXY1A0P", "roles": ["buyer"],
        "admin": {"username": "plain-buyer", "password": "a-good-password"}})
    assert created.status_code == 201, created.text
    assert sign_in(exchange, user=("plain-buyer", "a-good-password")).status_code == 200


def test_enrolment_on_first_sign_in_can_be_turned_off(
        fresh_db: Callable[[str], str], tmp_path: Path) -> None:
    settings = exchange_settings(fresh_db("exchange"), tmp_path,
                                 mfa_required_roles="operator",
                                 mfa_enrol_on_first_sign_in=False)
    with TestClient(create_app(settings)) as exchange:
        answer = sign_in(exchange)
        assert answer.status_code == 400 and answer.json()["type"].endswith(":mfa-not-enrolled")


def _events(exchange: TestClient) -> list[dict[str, Any]]:
    import json

    from sqlalchemy import text

    db = exchange.app.state.db  # type: ignore[attr-defined]
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT record FROM exchange_outbox ORDER BY id")).all()
    return [json.loads(r[0]) for r in rows]
