"""Talking to real service processes as a regulator or as an emitting service."""

from __future__ import annotations

import time
from typing import Any

from services.clients import ApiProblem, AuditClient, BearerToken, ExchangeClient, anonymous
from services.shared.events import EventRecord
from services.shared.keyring import SigningKey, generate_key
from services.shared.settings import AUDIENCES
from tests.e2e.processes import OPERATOR, SERVICE_SECRETS, ServiceProcesses


def exchange_client(procs: ServiceProcesses, token: str | None = None) -> ExchangeClient:
    """The exchange of ``procs``, called with ``token`` (anonymously without one)."""
    return ExchangeClient.connect(procs.url("exchange"), timeout=30,
                                  credentials=BearerToken(token) if token else anonymous)


def user_token(procs: ServiceProcesses, username: str, password: str) -> str:
    exchange = exchange_client(procs)
    try:
        return exchange.password_token(username, password).access_token
    finally:
        exchange.close()


def regulator_headers(procs: ServiceProcesses) -> dict[str, str]:
    exchange = exchange_client(procs, user_token(procs, *OPERATOR))
    try:
        exchange.connection.post_json("/v1/organizations", {
            "name": "浙江省数据局", "credit_code": "12100000400000624D", "roles": ["regulator"],
            "admin": {"username": "regulator", "password": "a-good-password"}})
    except ApiProblem as problem:
        assert problem.status == 409, problem.problem
    finally:
        exchange.close()
    return {"Authorization": f"Bearer {user_token(procs, 'regulator', 'a-good-password')}"}


def ledger_entries(procs: ServiceProcesses, headers: dict[str, str],
                   audit: str = "audit") -> list[dict[str, Any]]:
    token = headers["Authorization"].removeprefix("Bearer ")
    client = AuditClient.connect(procs.url(audit), credentials=BearerToken(token))
    try:
        return [entry.model_dump() for entry in client.all_entries()]
    finally:
        client.close()


def wait_for(predicate: Any, timeout: float = 60.0, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(interval)


def wait_for_entry(procs: ServiceProcesses, token: str, type_: str, subject: str) -> None:
    """Wait until the ledger holds an entry of ``type_`` about ``subject`` (the relay
    delivers the outboxes asynchronously); ``token`` may read the ledger."""
    audit = AuditClient.connect(procs.url("audit"), credentials=BearerToken(token))
    try:
        wait_for(lambda: audit.entries(after_seq=-1, limit=10, type=type_,
                                       subject=subject).items)
    finally:
        audit.close()


class ServiceEmitter:
    """Signs events as the catalog would and appends them over HTTP."""

    def __init__(self, procs: ServiceProcesses, source: str = "catalog") -> None:
        self.procs = procs
        self.source = source
        self.key: SigningKey = generate_key("EdDSA")
        exchange = exchange_client(procs)
        try:
            token = exchange.service_token(AUDIENCES["audit"], client_id=source,
                                           client_secret=SERVICE_SECRETS[source]).access_token
        finally:
            exchange.close()
        self.headers = {"Authorization": f"Bearer {token}"}
        audit = AuditClient.connect(procs.url("audit"), credentials=BearerToken(token))
        try:
            audit.register_key(self.key.jwk())
        finally:
            audit.close()

    def entry(self, n: int) -> dict[str, Any]:
        record = EventRecord.new(type="dataset.accessed", source=self.source, actor="usr_load",
                                 subject=f"ds_{n}", payload={"n": n, "bytes": n * 10})
        return {"record": record.to_dict(), "kid": self.key.kid,
                "signature": record.sign(self.key)}
