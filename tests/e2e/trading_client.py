"""A provider, a buyer, the operator and a regulator trading over real HTTP."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import httpx

from services.clients import ApiConnection, ApiProblem, BearerToken, ExchangeClient
from services.shared.settings import AUDIENCES
from tests.e2e.ledger_client import regulator_headers, user_token
from tests.e2e.processes import OPERATOR, SERVICE_SECRETS, ServiceProcesses

PASSWORD = "a-good-password"


@dataclass
class Party:
    """A signed-in member: its token and organisation id."""

    token: str
    org_id: str

    @property
    def headers(self) -> dict[str, str]:
        """Bearer headers."""
        return {"Authorization": f"Bearer {self.token}"}


@dataclass
class TradingFloor:
    """The exchange, the catalog and the audit service, and everyone who trades."""

    procs: ServiceProcesses
    http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=30))
    _keys: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        self.operator = Party(user_token(self.procs, *OPERATOR), "")
        self.connections = {
            service: ApiConnection(self.procs.url(service), service=service,
                                   audience=AUDIENCES[service], timeout=30)
            for service in AUDIENCES}

    def url(self, service: str, path: str) -> str:
        """An absolute URL at ``service``."""
        return self.procs.url(service) + path

    def call(self, method: str, service: str, path: str, party: Party | None = None,
             expect: int = 200, **kwargs: Any) -> Any:
        """Send a request; assert the status; the JSON answer."""
        connection = self.connections[service]
        if party is not None:
            connection = connection.as_caller(BearerToken(party.token))
        try:
            response = connection.request(method, path, **kwargs)
        except ApiProblem as problem:
            raise AssertionError(f"{method} {path}: {problem.status} {problem.problem}"
                                 ) from problem
        assert response.status_code == expect, f"{method} {path}: {response.text}"
        return response.json() if response.content else None

    def member(self, *, name: str, credit_code: str, roles: list[str],
               username: str) -> Party:
        """Register and approve an organisation; its admin signed in."""
        org = self.call("POST", "exchange", "/v1/organizations", expect=201, json={
            "name": name, "credit_code": credit_code, "roles": roles,
            "admin": {"username": username, "password": PASSWORD}})
        self.call("POST", "exchange", f"/v1/organizations/{org['id']}/approve", self.operator)
        return Party(user_token(self.procs, username, PASSWORD), org["id"])

    def regulator(self) -> Party:
        """The provincial data bureau's regulator."""
        headers = regulator_headers(self.procs)
        return Party(headers["Authorization"].removeprefix("Bearer "), "")

    def key(self) -> str:
        """A fresh idempotency key."""
        return f"e2e-{next(self._keys)}"

    def list_dataset(self, provider: Party, *, csv: bytes | None = None,
                     **fields: Any) -> dict[str, Any]:
        """Create (with a CSV file when given), submit and (as the operator) list a catalog
        dataset."""
        body = {"title": {"zh": "杭州市公共交通客流量", "en": "Hangzhou ridership"},
                "description": {"zh": "地铁与公交线路日客流量。"}, "keywords": ["客流"],
                "themes": ["transport"], "open_type": "conditional", "grade": "general",
                "update_frequency": "daily", "licence": "CC-BY-4.0", **fields}
        dataset = self.call("POST", "catalog", "/v1/datasets", provider, expect=201, json=body)
        uploaded = None
        if csv is not None:
            uploaded = self.call("POST", "catalog", f"/v1/datasets/{dataset['id']}/files",
                                 provider, expect=201,
                                 files={"file": ("ridership.csv", csv, "text/csv")})
        self.call("POST", "catalog", f"/v1/datasets/{dataset['id']}/submit", provider)
        listed = dict(self.call("POST", "catalog", f"/v1/datasets/{dataset['id']}/review",
                                self.operator, json={"approve": True}))
        return {**listed, "uploaded_file": uploaded}

    def certified_asset(self, provider: Party, dataset_ids: list[str]) -> dict[str, Any]:
        """Register an asset and have the operator approve (certify) it."""
        asset = self.call("POST", "exchange", "/v1/assets", provider, expect=201, json={
            "name": "公共交通客流数据资产", "dataset_ids": dataset_ids,
            "rights": ["holding", "processing", "operation"]})
        return dict(self.call("POST", "exchange", f"/v1/assets/{asset['id']}/review",
                              self.operator, json={"approve": True}))

    def offered(self, provider: Party, *, csv: bytes, schema: list[dict[str, Any]],
                price_fen: int) -> dict[str, Any]:
        """A listed dataset of ``csv``, certified as an asset and offered once for 30 days
        of commercial or research use."""
        dataset = self.list_dataset(provider, csv=csv, schema=schema)
        asset = self.certified_asset(provider, [dataset["id"]])
        return dict(self.call("POST", "exchange", "/v1/offers", provider, expect=201, json={
            "asset_id": asset["id"], "plan": "one_time", "price_fen": price_fen,
            "term_days": 30, "policy": {"purposes": ["commercial", "research"]}}))

    def deposit(self, party: Party, amount_fen: int) -> None:
        """The operator records a bank deposit."""
        self.call("POST", "exchange", f"/v1/accounts/{party.org_id}/deposits", self.operator,
                  expect=201, json={"amount_fen": amount_fen})

    def order(self, buyer: Party, offer_id: str, **body: Any) -> dict[str, Any]:
        """Place an order with a fresh Idempotency-Key."""
        return dict(self.call("POST", "exchange", "/v1/orders", buyer, expect=201,
                              headers={"Idempotency-Key": self.key()},
                              json={"offer_id": offer_id, "purpose": "交通规划研究", **body}))

    def pay(self, buyer: Party, order_id: str, key: str) -> dict[str, Any]:
        """Pay an order under ``key``."""
        return dict(self.call("POST", "exchange", f"/v1/orders/{order_id}/pay", buyer,
                              headers={"Idempotency-Key": key}))

    def balances(self, party: Party) -> tuple[int, int]:
        """(available, escrow)."""
        body = self.call("GET", "exchange", "/v1/accounts/me", party)
        return int(body["balance_fen"]), int(body["escrow_fen"])

    def service_headers(self, client_id: str, audience: str) -> dict[str, str]:
        """A service's own token for ``audience``."""
        token = ExchangeClient(self.connections["exchange"]).service_token(
            audience, client_id=client_id, client_secret=SERVICE_SECRETS[client_id])
        return {"Authorization": f"Bearer {token.access_token}"}
