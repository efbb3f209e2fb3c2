"""Trading datasets that have files: the catalog wired to the in-process exchange for
grant checks and usage reports, and listed datasets with an uploaded CSV."""

from __future__ import annotations

from typing import Any

import httpx

from services.catalog.files.grants import GrantChecker
from services.clients import ExchangeClient
from tests.exchange.trading_helpers import Market, bearer, dataset_body
from tests.stack import SERVICE_SECRETS, Stack

CSV = ("date,line,riders\n2024-01-01,1号线,1200\n2024-01-02,2号线,980\n"
       "2024-01-03,1号线,1105\n2024-01-04,3号线,\n").encode()
SCHEMA = [{"name": "date", "type": "date", "required": True},
          {"name": "line", "type": "string"},
          {"name": "riders", "type": "integer"}]


def wire_grants(stack: Stack, *, cache_seconds: float = 30.0,
                transport: httpx.BaseTransport | None = None) -> GrantChecker:
    """Point the catalog's exchange client (grant checks, usage reports) at the
    in-process exchange, authenticated with the catalog's own service credentials."""
    client = ExchangeClient.as_service(
        "http://exchange.test", client_id="catalog", client_secret=SERVICE_SECRETS["catalog"],
        transport=transport or stack.exchange._transport)
    app: Any = stack.catalog.app
    app.state.exchange.close()
    app.state.exchange = client
    checker = GrantChecker(client, cache_seconds=cache_seconds)
    app.state.grants = checker
    return checker


def upload(stack: Stack, dataset_id: str, token: str, content: bytes = CSV,
           name: str = "ridership.csv") -> dict[str, Any]:
    """Upload a file as ``token``; its upload answer."""
    response = stack.catalog.post(f"/v1/datasets/{dataset_id}/files", headers=bearer(token),
                                  files={"file": (name, content, "text/csv")})
    assert response.status_code == 201, response.text
    return dict(response.json())


def listed_with_file(market: Market, token: str | None = None, content: bytes = CSV,
                     **overrides: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """A dataset created with a declared schema, given a file, submitted and listed:
    (the listed dataset document, the upload answer)."""
    token = token or market.provider
    catalog = market.stack.catalog
    body = dataset_body(**{"schema": SCHEMA, **overrides})
    created = catalog.post("/v1/datasets", json=body, headers=bearer(token))
    assert created.status_code == 201, created.text
    dataset_id = created.json()["id"]
    uploaded = upload(market.stack, dataset_id, token, content)
    assert catalog.post(f"/v1/datasets/{dataset_id}/submit",
                        headers=bearer(token)).status_code == 200
    listed = catalog.post(f"/v1/datasets/{dataset_id}/review", json={"approve": True},
                          headers=bearer(market.operator))
    assert listed.status_code == 200, listed.text
    return dict(listed.json()), uploaded
