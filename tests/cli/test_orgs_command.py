"""``dataex orgs``: the operator suspends and reinstates an organisation over the
exchange's API; refusals print the problem's detail and exit 1."""

from __future__ import annotations

from typer.testing import CliRunner

from services.cli import organizations
from tests.cli import test_authorisations_command
from tests.exchange.trading_helpers import Market

market = test_authorisations_command.market  # the same in-process exchange for the command


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
