"""Fixtures for catalog API tests: the callers of every kind and dataset factories."""

from __future__ import annotations

import json
from functools import cached_property
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tests.stack import Stack

PROVIDER_CODE = "91330100716105852F"
OTHER_PROVIDER_CODE = "914403001922038216"
BUYER_CODE = "91110108551385082Q"
REGULATOR_CODE = "12100000400000624D"


def bearer(token: str | None) -> dict[str, str]:
    """Authorization headers for ``token`` (none for an anonymous caller)."""
    return {"Authorization": f"Bearer {token}"} if token else {}


def dataset_body(**overrides: Any) -> dict[str, Any]:
    """A complete, valid dataset draft; keyword arguments replace fields."""
    body: dict[str, Any] = {
        "title": {"zh": "杭州市公共交通客流量", "en": "Hangzhou public transport ridership"},
        "description": {
            "zh": "杭州市地铁与公交线路的日客流量统计，按线路和站点汇总。",
            "en": "Daily ridership of Hangzhou metro and bus lines, by line and stop.",
        },
        "keywords": ["客流", "地铁", "bus"],
        "themes": ["transport"],
        "open_type": "unconditional",
        "grade": "general",
        "update_frequency": "daily",
        "licence": "CC-BY-4.0",
        "publisher_name": "杭州市交通运输局",
        "contact_point": {"office": "杭州市交通运输局 数据处", "email": "data@hzjt.example.cn",
                          "phone": "0571-12345678"},
        "temporal": {"start": "2024-01-01", "end": "2024-12-31"},
        "spatial": {"code": "330100", "name": "杭州市"},
        "schema": [
            {"name": "date", "type": "date", "description": "统计日期", "required": True},
            {"name": "line", "type": "string", "description": "线路"},
            {"name": "riders", "type": "integer", "description": "客流人次", "required": True},
        ],
    }
    body.update(overrides)
    return body


class Callers:
    """A token for each kind of caller, made on first use (each costs a registration)."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    @cached_property
    def provider(self) -> str:
        """The admin of 杭州市交通运输局, a provider."""
        return self.stack.member(roles=["provider"], credit_code=PROVIDER_CODE,
                                 username="provider")

    @cached_property
    def provider_org(self) -> str:
        """The provider's organisation id."""
        return org_of(self.stack, self.provider)

    @cached_property
    def other_provider(self) -> str:
        """A provider of another organisation."""
        return self.stack.member(roles=["provider"], credit_code=OTHER_PROVIDER_CODE,
                                 username="other")

    @cached_property
    def buyer(self) -> str:
        """A buyer."""
        return self.stack.member(roles=["buyer"], credit_code=BUYER_CODE, username="buyer")

    @cached_property
    def operator(self) -> str:
        """The exchange operator."""
        return self.stack.operator_token()

    @cached_property
    def regulator(self) -> str:
        """A regulator (浙江省数据局), registered by the operator."""
        self.stack.register(roles=["regulator"], credit_code=REGULATOR_CODE,
                            username="regulator", name="浙江省数据局", token=self.operator)
        return self.stack.token("regulator", "a-good-password")

    @property
    def catalog(self) -> TestClient:
        """The catalog's client."""
        return self.stack.catalog

    def create(self, token: str | None = None, **overrides: Any) -> dict[str, Any]:
        """Create a draft as ``token`` (the provider by default); returns its body."""
        response = self.catalog.post("/v1/datasets", json=dataset_body(**overrides),
                                     headers=bearer(token or self.provider))
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def act(self, dataset_id: str, action: str, token: str | None,
            body: dict[str, Any] | None = None) -> Any:
        """POST a review action (``submit``, ``review``, ``regulator-review``, ``delist``)."""
        return self.catalog.post(f"/v1/datasets/{dataset_id}/{action}", json=body,
                                 headers=bearer(token))

    def listed(self, **overrides: Any) -> dict[str, Any]:
        """A dataset of the provider, created, submitted and listed."""
        return self.listed_by(self.provider, **overrides)

    def listed_by(self, token: str, **overrides: Any) -> dict[str, Any]:
        """Create, submit and list a dataset of ``token``'s organisation (with the
        regulator's approval when its grade needs it)."""
        dataset = self.create(token, **overrides)
        assert self.act(dataset["id"], "submit", token).status_code == 200
        if dataset["grade"] == "important":
            approval = self.act(dataset["id"], "regulator-review", self.regulator,
                                {"approve": True})
            assert approval.status_code == 200, approval.text
        listed = self.act(dataset["id"], "review", self.operator, {"approve": True})
        assert listed.status_code == 200, listed.text
        result: dict[str, Any] = listed.json()
        return result

    def outbox(self) -> list[dict[str, Any]]:
        """The catalog's outbox records, oldest first."""
        db = self.catalog.app.state.db  # type: ignore[attr-defined]
        with db.engine.connect() as conn:
            rows = conn.execute(text("SELECT record FROM catalog_outbox ORDER BY id")).all()
        return [json.loads(row[0]) for row in rows]


def org_of(stack: Stack, token: str) -> str:
    """The organisation id behind a token."""
    me = stack.exchange.get("/v1/me", headers=bearer(token))
    assert me.status_code == 200, me.text
    return str(me.json()["organization"]["id"])


@pytest.fixture
def callers(stack: Stack) -> Callers:
    """Two providers, a buyer, the operator and a regulator, registered when first used."""
    return Callers(stack)
