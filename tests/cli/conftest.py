"""Fixtures of the command tests: the exchange commands wired to the in-process stack."""

from __future__ import annotations

import pytest

from services.cli import main
from services.clients import ExchangeClient
from tests.exchange.trading_helpers import Market
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack, monkeypatch: pytest.MonkeyPatch) -> Market:
    """Everyone who trades, with ``dataex``'s exchange client calling the in-process
    exchange."""
    transport = stack.exchange._transport  # the in-process exchange
    monkeypatch.setattr(main, "_exchange_client", lambda url: ExchangeClient.connect(
        "http://exchange.test", transport=transport))
    return Market(stack)
