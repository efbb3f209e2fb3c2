"""``dataex unlock-sign-in``: the operator lists locked sign-ins and unlocks one."""

from __future__ import annotations

from typer.testing import CliRunner

from services.cli import main
from tests.exchange.trading_helpers import Market
from tests.stack import OPERATOR

runner = CliRunner()


def test_an_operator_lists_and_unlocks_a_delayed_account(market: Market) -> None:
    market.buyer  # registered
    for guess in ("guess-one-1", "guess-two-2", "guess-three-3"):
        market.exchange.post("/v1/auth/token", data={
            "grant_type": "password", "username": "buyer", "password": guess})
    listed = runner.invoke(main.app, ["unlock-sign-in", "--password", OPERATOR[1]])
    assert listed.exit_code == 0, listed.output
    assert "account" in listed.output and "failures=3" in listed.output
    done = runner.invoke(main.app, ["unlock-sign-in", "--account", "buyer",
                                    "--password", OPERATOR[1]])
    assert done.exit_code == 0, done.output
    assert market.stack.token("buyer", "a-good-password")
    refused = runner.invoke(main.app, ["unlock-sign-in", "--account", "buyer",
                                       "--username", "buyer", "--password", "a-good-password"])
    assert refused.exit_code == 2
