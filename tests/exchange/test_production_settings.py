"""Production settings refuse the demo operator's password and loopback token URLs."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from services.exchange.config import ExchangeSettings
from services.shared.settings import DEMO_OPERATOR, is_loopback_url

PUBLIC = "https://exchange.dataex.example"


def _production(**changes: Any) -> ExchangeSettings:
    values: dict[str, Any] = {
        "environment": "production", "client_secret": "a-real-secret",
        "database_url": "postgresql+psycopg://dataex@db/exchange",
        "issuer": PUBLIC, "jwks_url": f"{PUBLIC}/.well-known/jwks.json",
        "bootstrap_operator": "operator:a-long-random-password",
    }
    return ExchangeSettings(**(values | changes))


def test_production_settings_with_public_urls_and_own_password_load() -> None:
    assert _production().issuer == PUBLIC


def test_the_demo_operator_password_is_refused_in_production() -> None:
    with pytest.raises(ValidationError, match="demo operator"):
        _production(bootstrap_operator=DEMO_OPERATOR)
    with pytest.raises(ValidationError, match="demo operator"):
        _production(bootstrap_operator="admin:" + DEMO_OPERATOR.split(":", 1)[1])
    assert ExchangeSettings(bootstrap_operator=DEMO_OPERATOR).bootstrap_operator


@pytest.mark.parametrize("field", ["issuer", "jwks_url"])
@pytest.mark.parametrize("url", ["http://127.0.0.1:8002", "http://localhost:8002/x",
                                 "http://[::1]:8002"])
def test_loopback_token_urls_are_refused_in_production(field: str, url: str) -> None:
    with pytest.raises(ValidationError, match="loopback"):
        _production(**{field: url})


def test_loopback_urls() -> None:
    assert is_loopback_url("http://127.0.0.2:1/") and is_loopback_url("http://LOCALHOST")
    assert not is_loopback_url(PUBLIC)
