"""The world the authorization matrix sweeps: one trade between organisations A, the
callers of every kind, and the routes of the three services read from their OpenAPI
documents."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from tests.catalog.test_grant_downloads import Trade
from tests.exchange.file_trading import wire_grants
from tests.exchange.trading_helpers import Market, bearer, dataset_body
from tests.stack import Stack

SERVICES = ("catalog", "exchange", "audit")
CALLERS = ("anonymous", "buyer_a", "buyer_b", "provider_a", "provider_b", "operator",
           "regulator", "service", "grant")
OUTCOMES = ("ok", "401", "403", "404")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# A path parameter nobody owns: a write names it, so no sweep changes the world it reads.
NOBODY = str(uuid.UUID(int=0xDA7AE))
SIMPLE_PARAMS = {"seq": "1", "tree_size": "1", "number": "1", "day": "2026-01-01",
                 "theme": "transport", "plan": "one_time"}
# Signing out ends the caller's own token: it is swept after every other route.
LAST = ("/v1/auth/sign-out", "/v1/auth/revoke")

Route = tuple[str, str, str]


def routes(stack: Stack) -> list[Route]:
    """Every (service, METHOD, path) the three OpenAPI documents declare."""
    found: list[Route] = []
    for service in SERVICES:
        document = getattr(stack, service).get("/openapi.json").json()
        for path, operations in document["paths"].items():
            found.extend((service, method.upper(), path) for method in operations)
    return sorted(found, key=lambda r: (r[2] in LAST, r))


def outcome(status: int) -> str:
    """The outcome class of a status: refused as unauthenticated, forbidden, not shown,
    or let through authorization (whatever the handler then said)."""
    return str(status) if status in (401, 403, 404) else "ok"


@dataclass
class World:
    """A paid trade between provider A and buyer A, a draft of provider A's, and a token
    for every kind of caller."""

    stack: Stack
    market: Market
    trade: Trade
    draft: dict[str, Any]
    tokens: dict[str, str | None]

    @classmethod
    def build(cls, stack: Stack) -> World:
        """Register everyone and trade once."""
        market = Market(stack)
        wire_grants(stack, cache_seconds=0)
        trade = Trade(market)
        created = stack.catalog.post("/v1/datasets", json=dataset_body(),
                                     headers=bearer(market.provider))
        assert created.status_code == 201, created.text
        tokens: dict[str, str | None] = {
            "anonymous": None, "buyer_a": market.buyer, "buyer_b": market.other_buyer,
            "provider_a": market.provider, "provider_b": market.company,
            "operator": market.operator, "regulator": market.regulator,
            "service": market.service_token(), "grant": trade.grant["token"],
        }
        return cls(stack, market, trade, created.json(), tokens)

    def params(self) -> dict[str, str]:
        """Path parameters a read names: organisation A's own objects."""
        return {
            **SIMPLE_PARAMS,
            "dataset_id": self.trade.dataset["id"], "file_id": self.trade.file["id"],
            "asset_id": self.trade.offer["asset_id"], "offer_id": self.trade.offer["id"],
            "order_id": self.trade.order["id"], "grant_id": self.trade.grant["grant_id"],
            "org_id": self.market.org(self.market.buyer),
        }

    def private_ids(self) -> dict[str, str]:
        """Ids of organisation A's that only A (and the operator or regulator) may see."""
        return {
            "order": self.trade.order["id"], "grant": self.trade.grant["grant_id"],
            "draft": self.draft["id"], "buyer_org": self.market.org(self.market.buyer),
        }

    def url(self, method: str, path: str) -> str:
        """``path`` with its parameters filled: A's objects for reads, nobody's for writes."""
        known = {} if method in WRITES else self.params()
        return re.sub(r"\{(\w+)\}",
                      lambda m: known.get(m.group(1), SIMPLE_PARAMS.get(m.group(1), NOBODY)),
                      path)

    def call(self, route: Route, caller: str) -> httpx.Response:
        """One request of ``caller`` to ``route``: an empty JSON body for a write."""
        service, method, path = route
        client: httpx.Client = getattr(self.stack, service)
        body = {"json": {}} if method in WRITES and method != "DELETE" else {}
        return client.request(method, self.url(method, path),
                              headers=bearer(self.tokens[caller]), **body)
