"""Revocation reaching the catalog: a grant revoked at the exchange (by an operator, or
with its asset's suspension) is refused by the catalog within its cache window, over
HTTP through the catalog's own exchange client; a file withdrawn by its publisher is
served to nobody while its hash stays on record."""

from __future__ import annotations

import time

import pytest

from tests.catalog.test_grant_downloads import METERED, Trade, catalog_events, problem
from tests.exchange.file_trading import wire_grants
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


def refused_within(trade: Trade, bound: float) -> float:
    """Download until the catalog refuses; when (after the call) the refused download
    started. Fails if a download started more than ``bound`` seconds after the call is
    still served."""
    started = time.monotonic()
    while True:
        sent = time.monotonic() - started
        response = trade.download()
        if response.status_code != 200:
            problem(response, 403, "grant-inactive")
            return sent
        assert sent <= bound, f"still served {sent:.2f} s after the revocation"
        time.sleep(0.1)


def test_an_operators_revocation_reaches_the_catalog_within_its_cache_window(
        market: Market) -> None:
    checker = wire_grants(market.stack, cache_seconds=1.0)
    trade = Trade(market)
    assert trade.download().status_code == 200  # the catalog now holds "active" for 1 s
    revoked = market.exchange.post(f"/v1/grants/{trade.grant['grant_id']}/revoke",
                                   json={"reason": "违反授权用途"},
                                   headers=bearer(market.operator))
    assert revoked.status_code == 200, revoked.text
    assert refused_within(trade, checker.cache_seconds + 0.2) <= checker.cache_seconds + 0.2
    served = len(catalog_events(market.stack))
    problem(trade.download(), 403, "grant-inactive")
    assert len(catalog_events(market.stack)) == served  # a refusal is not an access


def test_a_metered_grant_is_refused_at_once(market: Market) -> None:
    wire_grants(market.stack, cache_seconds=30.0)
    trade = Trade(market, {**METERED, "unit": "call"}, quantity=10)
    assert trade.download().status_code == 200
    market.exchange.post(f"/v1/orders/{trade.order['id']}/grant/revoke",
                         json={"reason": "违规转售"}, headers=bearer(market.regulator))
    # every metered download is counted at the exchange first, which says revoked
    problem(trade.download(), 403, "grant-inactive")


def test_suspending_the_asset_reaches_the_catalog(market: Market) -> None:
    wire_grants(market.stack, cache_seconds=0.5)
    trade = Trade(market)
    assert trade.download().status_code == 200
    suspended = market.exchange.post(f"/v1/assets/{trade.offer['asset_id']}/suspend",
                                     json={"reason": "权属核查中"},
                                     headers=bearer(market.operator))
    assert suspended.status_code == 200, suspended.text
    refused_within(trade, 1.0)


def test_a_withdrawn_file_is_served_to_nobody_and_its_hash_stays(market: Market) -> None:
    wire_grants(market.stack, cache_seconds=0)
    trade = Trade(market)
    url = f"/v1/datasets/{trade.dataset['id']}/files/{trade.file['id']}"
    catalog = market.stack.catalog
    withdraw = f"{url}/withdraw"
    # only the publisher, with a reason
    assert catalog.post(withdraw, json={"reason": "误传"}).status_code == 401
    for token in (market.company, market.buyer, market.operator):
        problem(catalog.post(withdraw, json={"reason": "误传"}, headers=bearer(token)),
                403, "publisher-only")
    for body in ({}, {"reason": ""}, {"reason": "   "}, {"reason": "x" * 501}):
        assert catalog.post(withdraw, json=body, headers=bearer(market.provider)) \
            .status_code == 422, body
    problem(catalog.post(f"/v1/datasets/{trade.dataset['id']}/files/file_nope/withdraw",
                         json={"reason": "误传"}, headers=bearer(market.provider)),
            404, "file-not-found")
    assert trade.download().status_code == 200

    done = catalog.post(withdraw, json={"reason": "误传了含个人信息的文件"},
                        headers=bearer(market.provider))
    assert done.status_code == 200, done.text
    assert (done.json()["sha256"], done.json()["withdraw_reason"]) == \
        (trade.file["sha256"], "误传了含个人信息的文件")
    # nobody gets it any more: the grant holder, the publisher, the operator
    problem(trade.download(), 410, "file-withdrawn")
    for token in (market.provider, market.operator):
        problem(catalog.get(f"{url}/content", headers=bearer(token)), 410, "file-withdrawn")
        problem(catalog.get(f"{url}/sample", headers=bearer(token)), 410, "file-withdrawn")
    problem(catalog.get(f"{url}/rows", headers=trade.headers), 410, "file-withdrawn")
    listed = catalog.get(f"/v1/datasets/{trade.dataset['id']}").json()
    assert trade.file["id"] not in [f["id"] for f in listed["files"]]
    # the ledger keeps the hash and the withdrawal; withdrawing again is a 410
    [event] = catalog_events(market.stack, "dataset.file_withdrawn")
    assert (event["payload"]["file_id"], event["payload"]["sha256"]) == \
        (trade.file["id"], trade.file["sha256"])
    assert "误传" not in str(event["payload"])
    problem(catalog.post(withdraw, json={"reason": "再次"}, headers=bearer(market.provider)),
            410, "file-withdrawn")
    assert len(catalog_events(market.stack, "dataset.file_withdrawn")) == 1
