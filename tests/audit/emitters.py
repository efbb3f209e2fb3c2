"""Signed ledger events as a service would emit them, for audit tests."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from services.shared.events import EventRecord
from services.shared.keyring import SigningKey, generate_key
from services.shared.settings import AUDIENCES
from tests.stack import SERVICE_SECRETS, Stack


class Emitter:
    """A source service (catalog, say) with its own key and service token."""

    def __init__(self, stack: Stack, source: str = "catalog",
                 key: SigningKey | None = None) -> None:
        self.stack = stack
        self.source = source
        self.key = key or generate_key("EdDSA")
        self.token = service_token(stack.exchange, source)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def register(self) -> None:
        response = self.stack.audit.post("/v1/sources/keys", json={"jwk": self.key.jwk()},
                                         headers=self.headers)
        assert response.status_code == 201, response.text

    def entry(self, n: int = 0, *, source: str | None = None, event_id: str | None = None,
              payload: dict[str, Any] | None = None, type: str = "dataset.listed",
              subject: str | None = None) -> dict[str, Any]:
        record = EventRecord.new(
            type=type, source=source or self.source, actor="usr_test",
            subject=subject or f"ds_{n}", payload=payload if payload is not None else {"n": n},
            event_id=event_id,
        )
        return {"record": record.to_dict(), "kid": self.key.kid,
                "signature": record.sign(self.key)}

    def append(self, *entries: dict[str, Any]) -> Any:
        body: Any = entries[0] if len(entries) == 1 else {"entries": list(entries)}
        return self.stack.audit.post("/v1/entries", json=body, headers=self.headers)


def service_token(exchange: TestClient, client_id: str, audience: str = "audit") -> str:
    response = exchange.post(
        "/v1/auth/token",
        data={"grant_type": "client_credentials", "client_id": client_id,
              "client_secret": SERVICE_SECRETS[client_id], "audience": AUDIENCES[audience]},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])
