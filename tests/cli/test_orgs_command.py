"""``dataex orgs``: the operator suspends and reinstates an organisation over the
exchange's API; refusals print the problem's detail and exit 1."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from services.cli import authorisations, organizations
from services.clients import BearerToken, ExchangeClient
from tests.exchange.trading_helpers import Market
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Market:
    def in_process(url: str, token: str) -> ExchangeClient:
        return ExchangeClient.connect("http://testserver", credentials=BearerToken(token),
                                      transport=stack.exchange._transport)  # type: ignore[attr-defined]

    monkeypatch.setattr(authorisations, "exchange_client", in_process)
    return Market(stack)


def test_suspend_and_reinstate(market: Market) -> None:
    runner = CliRunner()
    org = market.org(market.buyer)
    refused = runner.invoke(organizations.app, ["suspend", org, "--reason", "违规",
                                                "--token", market.provider])
    assert refused.exit_code == 1 and "operator" in refused.output
    done = runner.invoke(organizations.app, ["suspend", org, "--reason", "违规",
                                             "--token", market.operator])
    assert done.exit_code == 0, done.output
    assert f"suspended {org}" in done.output
    back = runner.invoke(organizations.app, ["reinstate", org, "--reason", "整改完成",
                                             "--token", market.operator])
    assert back.exit_code == 0 and f"reinstated {org}" in back.output
    missing = runner.invoke(organizations.app, ["suspend", org, "--reason", "x"])
    assert missing.exit_code == 2
