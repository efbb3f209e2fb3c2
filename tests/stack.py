"""The three services built in-process for API tests, wired to each other.

The catalog and audit fetch the exchange's JWKS over its in-process client, exactly
as they would over the network.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from services.audit.app import create_app as create_audit
from services.audit.config import AuditSettings
from services.catalog.app import create_app as create_catalog
from services.catalog.config import CatalogSettings
from services.exchange.app import create_app as create_exchange
from services.exchange.config import ExchangeSettings
from services.shared.auth import TokenVerifier
from services.shared.jwks import RemoteKeySource

ISSUER = "http://exchange.test"
OPERATOR = ("operator", "operator-test-password")
SERVICE_SECRETS = {
    "catalog": "catalog-test-secret",
    "exchange": "exchange-test-secret",
    "audit": "audit-test-secret",
}
FAST_ARGON2 = {"argon2_time_cost": 1, "argon2_memory_kib": 8, "argon2_parallelism": 1}


@dataclass
class Stack:
    """In-process clients of the three services, plus what built them."""

    exchange: TestClient
    catalog: TestClient
    audit: TestClient
    exchange_settings: ExchangeSettings
    var_dir: Path

    def token(self, username: str, password: str) -> str:
        """A user's access token from the exchange."""
        response = self.exchange.post(
            "/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    def operator_token(self) -> str:
        """The bootstrap operator's token."""
        return self.token(*OPERATOR)

    def register(self, *, roles: list[str], credit_code: str, username: str,
                 name: str = "测试单位", password: str = "a-good-password",
                 token: str | None = None) -> dict[str, Any]:
        """Register an organisation (as ``token``'s holder, or anonymously)."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.exchange.post(
            "/v1/organizations",
            json={"name": name, "credit_code": credit_code, "roles": roles,
                  "admin": {"username": username, "password": password}},
            headers=headers,
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def member(self, *, roles: list[str], credit_code: str, username: str,
               password: str = "a-good-password") -> str:
        """Register and approve an organisation; return its admin's token."""
        org = self.register(roles=roles, credit_code=credit_code, username=username,
                            password=password)
        response = self.exchange.post(
            f"/v1/organizations/{org['id']}/approve",
            headers={"Authorization": f"Bearer {self.operator_token()}"},
        )
        assert response.status_code == 200, response.text
        return self.token(username, password)


def exchange_settings(database_url: str, var_dir: Path, **overrides: Any) -> ExchangeSettings:
    """Exchange settings for tests: cheap password hashing, a known operator."""
    values: dict[str, Any] = {
        "database_url": database_url,
        "var_dir": var_dir,
        "issuer": ISSUER,
        "environment": "test",
        "bootstrap_operator": ":".join(OPERATOR),
        "service_clients": ",".join(f"{k}:{v}" for k, v in SERVICE_SECRETS.items()),
        # The second factor is tested on its own (tests/security/test_sessions_*.py).
        "mfa_required_roles": "",
        **FAST_ARGON2,
        **overrides,
    }
    return ExchangeSettings(**values)


@contextmanager
def build_stack(fresh_db: Callable[[str], str], var_dir: Path) -> Iterator[Stack]:
    """Start the three apps (lifespans included) on fresh databases."""
    ex_settings = exchange_settings(fresh_db("exchange"), var_dir)
    with ExitStack() as stack:
        exchange = stack.enter_context(TestClient(create_exchange(ex_settings)))
        clients = {}
        for name, factory, settings_cls in (
            ("catalog", create_catalog, CatalogSettings),
            ("audit", create_audit, AuditSettings),
        ):
            settings = settings_cls(
                database_url=fresh_db(name), var_dir=var_dir, issuer=ISSUER,
                environment="test", client_secret=SERVICE_SECRETS[name],
                jwks_url=f"{exchange.base_url}/.well-known/jwks.json",
            )
            app = factory(settings)
            app.state.verifier = TokenVerifier(
                keys=RemoteKeySource(settings.jwks_url, client=exchange).lookup,
                issuer=ISSUER,
                audience=settings.audience,
            )
            clients[name] = stack.enter_context(TestClient(app))
        yield Stack(exchange, clients["catalog"], clients["audit"], ex_settings, var_dir)
