"""``dataex reconcile``: the operator's daily report from the exchange, exit 0 when it
balances, 2 when refused."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from services.cli import main
from tests.exchange.payout_helpers import requested, today, with_bank_account
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import OPERATOR

runner = CliRunner()


def test_reconcile_prints_the_day_and_exits_0_when_it_balances(market: Market) -> None:
    with_bank_account(market, market.provider)
    payout = requested(market, market.provider, 12_345)
    market.exchange.post(f"/v1/payouts/{payout['id']}/paid", json={"bank_reference": "ICBC-9"},
                         headers=bearer(market.operator))
    result = runner.invoke(main.app, ["reconcile", "--date", today(), "--username",
                                      OPERATOR[0], "--password", OPERATOR[1]])
    assert result.exit_code == 0, result.output
    assert "BALANCED" in result.output and "ICBC-9" in result.output
    as_json = runner.invoke(main.app, ["reconcile", "--json", "--password", OPERATOR[1]])
    report = json.loads(as_json.output)
    assert (report["deposits_fen"], report["payouts_fen"]) == (12_345, 12_345)


def test_reconcile_refused_to_a_provider_exits_2(market: Market) -> None:
    market.provider  # registered
    result = runner.invoke(main.app, ["reconcile", "--username", "provider",
                                      "--password", "a-good-password"])
    assert result.exit_code == 2 and "403" in result.output
