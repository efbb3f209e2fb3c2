"""Helpers for payout tests: a bank account on file, a requested payout, the day."""

from __future__ import annotations

from typing import Any

from services.exchange.market.payouts import business_day
from services.shared.orm import utcnow
from tests.exchange.trading_helpers import Market, bearer

BANK = {"account_name": "杭州市数据资源管理局", "bank_name": "中国工商银行杭州分行",
        "account_number": "6222 0212 3456 7890 123"}


def today() -> str:
    """Today's business day (Beijing), as the reconciliation names it."""
    return business_day(utcnow()).isoformat()


def with_bank_account(market: Market, token: str) -> dict[str, Any]:
    """Put the demo bank account on file for ``token``'s organisation."""
    response = market.exchange.put("/v1/payouts/bank-account", json=BANK, headers=bearer(token))
    assert response.status_code == 200, response.text
    return dict(response.json())


def requested(market: Market, token: str, amount_fen: int, *, fund: bool = True) -> dict[str, Any]:
    """A requested payout of ``amount_fen`` (funded by a deposit first unless told)."""
    if fund:
        market.deposit(token, amount_fen)
    response = market.exchange.post("/v1/payouts", json={"amount_fen": amount_fen},
                                    headers=bearer(token))
    assert response.status_code == 201, response.text
    return dict(response.json())


def reconciliation(market: Market, day: str | None = None) -> dict[str, Any]:
    """The day's reconciliation report, as the operator sees it."""
    response = market.exchange.get(f"/v1/reconciliation/{day or today()}",
                                   headers=bearer(market.operator))
    assert response.status_code == 200, response.text
    return dict(response.json())
