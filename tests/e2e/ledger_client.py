"""Talking to real service processes as a regulator or as an emitting service."""

from __future__ import annotations

import time
from typing import Any

import httpx

from services.shared.events import EventRecord
from services.shared.keyring import SigningKey, generate_key
from services.shared.settings import AUDIENCES
from tests.e2e.processes import OPERATOR, SERVICE_SECRETS, ServiceProcesses


def user_token(procs: ServiceProcesses, username: str, password: str) -> str:
    response = httpx.post(
        f"{procs.url('exchange')}/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def regulator_headers(procs: ServiceProcesses) -> dict[str, str]:
    operator = user_token(procs, *OPERATOR)
    response = httpx.post(
        f"{procs.url('exchange')}/v1/organizations",
        json={"name": "浙江省数据局", "credit_code": "12100000400000624D", "roles": ["regulator"],
              "admin": {"username": "regulator", "password": "a-good-password"}},
        headers={"Authorization": f"Bearer {operator}"},
    )
    assert response.status_code in (201, 409), response.text
    return {"Authorization": f"Bearer {user_token(procs, 'regulator', 'a-good-password')}"}


def ledger_entries(procs: ServiceProcesses, headers: dict[str, str],
                   audit: str = "audit") -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    after = -1
    while True:
        page = httpx.get(f"{procs.url(audit)}/v1/entries",
                         params={"after_seq": after, "limit": 1000}, headers=headers).json()
        items.extend(page["items"])
        if page["next_after_seq"] is None:
            return items
        after = page["next_after_seq"]


def wait_for(predicate: Any, timeout: float = 60.0, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(interval)


class ServiceEmitter:
    """Signs events as the catalog would and appends them over HTTP."""

    def __init__(self, procs: ServiceProcesses, source: str = "catalog") -> None:
        self.procs = procs
        self.source = source
        self.key: SigningKey = generate_key("EdDSA")
        response = httpx.post(
            f"{procs.url('exchange')}/v1/auth/token",
            data={"grant_type": "client_credentials", "client_id": source,
                  "client_secret": SERVICE_SECRETS[source], "audience": AUDIENCES["audit"]},
        )
        assert response.status_code == 200, response.text
        self.headers = {"Authorization": f"Bearer {response.json()['access_token']}"}
        registered = httpx.post(f"{procs.url('audit')}/v1/sources/keys",
                                json={"jwk": self.key.jwk()}, headers=self.headers)
        assert registered.status_code == 201, registered.text

    def entry(self, n: int) -> dict[str, Any]:
        record = EventRecord.new(type="dataset.accessed", source=self.source, actor="usr_load",
                                 subject=f"ds_{n}", payload={"n": n, "bytes": n * 10})
        return {"record": record.to_dict(), "kid": self.key.kid,
                "signature": record.sign(self.key)}
