"""Test helpers for trading: the callers of every kind, the catalog wired in-process, and
factories for listed datasets, certified assets, offers, funded buyers and orders."""

from __future__ import annotations

import itertools
import json
from datetime import datetime
from functools import cached_property
from typing import Any

import httpx
from sqlalchemy import text

from services.clients import CatalogClient
from services.exchange.trading.context import Trading, own_service_tokens
from services.exchange.trading.sweeper import SweepReport, sweep_once
from tests.stack import Stack

PUBLIC_PROVIDER_CODE = "11330100MB1H00000Q"  # a public body (registration authority 1)
COMPANY_PROVIDER_CODE = "91330100716105852F"
BUYER_CODE = "91110108551385082Q"
OTHER_BUYER_CODE = "914403001922038216"
REGULATOR_CODE = "12100000400000624D"
PASSWORD = "a-good-password"


def bearer(token: str | None) -> dict[str, str]:
    """Authorization headers for ``token`` (none for an anonymous caller)."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def dataset_body(**overrides: Any) -> dict[str, Any]:
    """A complete, valid catalog dataset draft."""
    body: dict[str, Any] = {
        "title": {"zh": "杭州市公共交通客流量", "en": "Hangzhou public transport ridership"},
        "description": {"zh": "杭州市地铁与公交线路的日客流量统计。",
                        "en": "Daily ridership of Hangzhou metro and bus lines."},
        "keywords": ["客流", "地铁"],
        "themes": ["transport"],
        "open_type": "conditional",
        "grade": "general",
        "update_frequency": "daily",
        "licence": "CC-BY-4.0",
    }
    body.update(overrides)
    return body


def wire_catalog(stack: Stack) -> None:
    """Point the exchange's catalog client at the in-process catalog."""
    trading: Trading = stack.exchange.app.state.trading  # type: ignore[attr-defined]
    trading.catalog.close()
    trading.catalog = CatalogClient.connect(
        "http://catalog.test", credentials=own_service_tokens(trading.issuer, "exchange"),
        transport=stack.catalog._transport,  # type: ignore[attr-defined]
    )


class Market:
    """Everyone who trades, registered on first use, and factories for what they trade."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack
        self._keys = itertools.count()
        self._orgs: dict[str, str] = {}
        wire_catalog(stack)

    @property
    def exchange(self) -> httpx.Client:
        """The exchange's client."""
        return self.stack.exchange

    def _member(self, roles: list[str], code: str, username: str, name: str) -> str:
        org = self.stack.register(roles=roles, credit_code=code, username=username, name=name)
        approved = self.exchange.post(f"/v1/organizations/{org['id']}/approve",
                                      headers=bearer(self.operator))
        assert approved.status_code == 200, approved.text
        return self.stack.token(username, PASSWORD)

    @cached_property
    def operator(self) -> str:
        """The exchange operator's token."""
        return self.stack.operator_token()

    @cached_property
    def provider(self) -> str:
        """杭州市数据资源管理局: a public body that provides data."""
        return self._member(["provider"], PUBLIC_PROVIDER_CODE, "provider", "杭州市数据资源管理局")

    @cached_property
    def company(self) -> str:
        """A company that provides data."""
        return self._member(["provider"], COMPANY_PROVIDER_CODE, "company", "云图数据科技有限公司")

    @cached_property
    def buyer(self) -> str:
        """A buyer."""
        return self._member(["buyer"], BUYER_CODE, "buyer", "北京某某科技有限公司")

    @cached_property
    def other_buyer(self) -> str:
        """A buyer of another organisation."""
        return self._member(["buyer"], OTHER_BUYER_CODE, "other-buyer", "深圳某某有限公司")

    @cached_property
    def regulator(self) -> str:
        """A regulator (浙江省数据局), registered by the operator."""
        self.stack.register(roles=["regulator"], credit_code=REGULATOR_CODE,
                            username="regulator", name="浙江省数据局", token=self.operator)
        return self.stack.token("regulator", PASSWORD)

    def org(self, token: str) -> str:
        """The organisation id behind a token."""
        if token not in self._orgs:
            me = self.exchange.get("/v1/me", headers=bearer(token))
            assert me.status_code == 200, me.text
            self._orgs[token] = str(me.json()["organization"]["id"])
        return self._orgs[token]

    def listed_dataset(self, token: str | None = None, **overrides: Any) -> dict[str, Any]:
        """A dataset created, submitted and listed in the catalog by ``token``'s org."""
        token = token or self.provider
        created = self.stack.catalog.post("/v1/datasets", json=dataset_body(**overrides),
                                          headers=bearer(token))
        assert created.status_code == 201, created.text
        dataset_id = created.json()["id"]
        submitted = self.stack.catalog.post(f"/v1/datasets/{dataset_id}/submit",
                                            headers=bearer(token))
        assert submitted.status_code == 200, submitted.text
        if created.json()["grade"] == "important":
            ok = self.stack.catalog.post(f"/v1/datasets/{dataset_id}/regulator-review",
                                         json={"approve": True}, headers=bearer(self.regulator))
            assert ok.status_code == 200, ok.text
        listed = self.stack.catalog.post(f"/v1/datasets/{dataset_id}/review",
                                         json={"approve": True}, headers=bearer(self.operator))
        assert listed.status_code == 200, listed.text
        return dict(listed.json())

    def registered_asset(self, token: str | None = None, *, certify: bool = True,
                         rights: list[str] | None = None, **dataset: Any) -> dict[str, Any]:
        """An asset over a new listed dataset, approved (and so certified) by default."""
        token = token or self.provider
        listed = self.listed_dataset(token, **dataset)
        response = self.exchange.post("/v1/assets", headers=bearer(token), json={
            "name": "公共交通客流数据资产", "dataset_ids": [listed["id"]],
            "rights": rights or ["holding", "processing", "operation"]})
        assert response.status_code == 201, response.text
        asset = dict(response.json())
        if certify:
            reviewed = self.exchange.post(f"/v1/assets/{asset['id']}/review",
                                          json={"approve": True}, headers=bearer(self.operator))
            assert reviewed.status_code == 200, reviewed.text
            asset = dict(reviewed.json())
        return asset

    def offer(self, token: str | None = None, *, asset: dict[str, Any] | None = None,
              **terms: Any) -> dict[str, Any]:
        """An active offer (one-time, 50,000 fen, 30 days unless told otherwise)."""
        token = token or self.provider
        asset = asset or self.registered_asset(token)
        body = {"asset_id": asset["id"], "plan": "one_time", "price_fen": 50_000,
                "term_days": 30, **terms}
        response = self.exchange.post("/v1/offers", json=body, headers=bearer(token))
        assert response.status_code == 201, response.text
        return dict(response.json())

    def deposit(self, token: str, amount_fen: int) -> dict[str, Any]:
        """Credit ``amount_fen`` to ``token``'s organisation."""
        response = self.exchange.post(f"/v1/accounts/{self.org(token)}/deposits",
                                      json={"amount_fen": amount_fen},
                                      headers=bearer(self.operator))
        assert response.status_code == 201, response.text
        return dict(response.json())

    def key(self) -> str:
        """A fresh idempotency key."""
        return f"key-{next(self._keys)}"

    def place(self, offer: dict[str, Any], token: str | None = None, **body: Any) -> httpx.Response:
        """POST /v1/orders with a fresh key."""
        payload = {"offer_id": offer["id"], "purpose": "交通规划研究", **body}
        return self.exchange.post("/v1/orders", json=payload, headers={
            **bearer(token or self.buyer), "Idempotency-Key": self.key()})

    def order(self, offer: dict[str, Any] | None = None, token: str | None = None,
              **body: Any) -> dict[str, Any]:
        """A requested order."""
        response = self.place(offer or self.offer(), token, **body)
        assert response.status_code == 201, response.text
        return dict(response.json())

    def act(self, order: dict[str, Any], action: str, token: str | None,
            body: dict[str, Any] | None = None) -> httpx.Response:
        """POST an order action (accept, reject, cancel, confirm, compliance)."""
        return self.exchange.post(f"/v1/orders/{order['id']}/{action}", json=body,
                                  headers=bearer(token))

    def pay(self, order: dict[str, Any], token: str | None = None,
            key: str | None = None) -> httpx.Response:
        """POST /pay with a key (a fresh one unless told)."""
        return self.exchange.post(f"/v1/orders/{order['id']}/pay", headers={
            **bearer(token or self.buyer), "Idempotency-Key": key or self.key()})

    def accepted(self, offer: dict[str, Any] | None = None, **body: Any) -> dict[str, Any]:
        """An order placed and accepted."""
        order = self.order(offer, **body)
        response = self.act(order, "accept", self.provider if offer is None else
                            self._provider_of(offer))
        assert response.status_code == 200, response.text
        return dict(response.json())

    def paid(self, offer: dict[str, Any] | None = None, **body: Any) -> dict[str, Any]:
        """An order placed, accepted and paid (the buyer is funded for it first)."""
        order = self.accepted(offer, **body)
        if order["amount_fen"]:
            self.deposit(self.buyer, order["amount_fen"])
        response = self.pay(order)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def _provider_of(self, offer: dict[str, Any]) -> str:
        return self.company if offer["provider_org_id"] == self.org(self.company) \
            else self.provider

    def balances(self, token: str) -> tuple[int, int]:
        """(available, escrow) of ``token``'s organisation."""
        response = self.exchange.get("/v1/accounts/me", headers=bearer(token))
        assert response.status_code == 200, response.text
        body = response.json()
        return int(body["balance_fen"]), int(body["escrow_fen"])

    def sweep(self, now: datetime) -> SweepReport:
        """Run the exchange's expiry and settlement job as if it were ``now``."""
        app = self.exchange.app  # type: ignore[attr-defined]
        return sweep_once(app.state.db, app.state.outbox, app.state.trading, now=now)

    def events(self, prefix: str = "") -> list[dict[str, Any]]:
        """The exchange's outbox records (oldest first), optionally of one type prefix."""
        db = self.exchange.app.state.db  # type: ignore[attr-defined]
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT record FROM exchange_outbox ORDER BY id")).all()
        records = [json.loads(r[0]) for r in rows]
        return [r for r in records if r["type"].startswith(prefix)]

    def service_token(self, client_id: str = "catalog") -> str:
        """A service token for the exchange (as the catalog would get one)."""
        response = self.exchange.post("/v1/auth/token", data={
            "grant_type": "client_credentials", "client_id": client_id,
            "client_secret": f"{client_id}-test-secret", "audience": "dataex-exchange"})
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])
