"""``dataex authorisations``: a regulator grants, lists and revokes over the exchange's
API; refusals print the problem's detail and exit 1."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from services.cli import authorisations
from services.clients import BearerToken, ExchangeClient
from tests.exchange.test_authorised_operation_api import not_open_asset
from tests.exchange.trading_helpers import Market
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Market:
    def in_process(url: str, token: str) -> ExchangeClient:
        return ExchangeClient.connect("http://testserver", credentials=BearerToken(token),
                                      transport=stack.exchange._transport)  # type: ignore[attr-defined]

    monkeypatch.setattr(authorisations, "exchange_client", in_process)
    return Market(stack)


def test_grant_list_and_revoke(market: Market) -> None:
    _, _, offer = not_open_asset(market)
    runner = CliRunner()
    operator_org = market.org(market.buyer)
    token = ["--token", market.regulator]
    granted = runner.invoke(authorisations.app, ["grant", offer["asset_id"], operator_org,
                                                 "--scenario", "交通信号配时优化",
                                                 "--term-days", "90", *token])
    assert granted.exit_code == 0, granted.output
    assert "authorised auz_" in granted.output
    listed = runner.invoke(authorisations.app, ["list", "--json", *token])
    assert listed.exit_code == 0 and "交通信号配时优化" in listed.output
    authorisation_id = granted.output.split()[1]
    refused = runner.invoke(authorisations.app, ["revoke", authorisation_id, "--reason",
                                                 "场景结束", "--token", market.buyer])
    assert refused.exit_code == 1 and "refused (403)" in refused.output
    revoked = runner.invoke(authorisations.app, ["revoke", authorisation_id, "--reason",
                                                 "场景结束", *token])
    assert revoked.exit_code == 0 and "revoked" in revoked.output
    assert market.place(offer).status_code == 403
    missing = runner.invoke(authorisations.app, ["list"])
    assert missing.exit_code == 2
