"""Test helpers for disputes: the exchange's audit client wired to the in-process audit
service, and the outboxes relayed to the ledger so entries can be cited."""

from __future__ import annotations

from functools import partial
from typing import Any

import httpx
from sqlalchemy import Table

from services.catalog.outbox import outbox as catalog_outbox
from services.clients import AuditClient
from services.exchange.outbox import outbox as exchange_outbox
from services.exchange.trading.context import Trading, own_service_tokens
from services.shared.outbox import OutboxRelay, ledger_keyring
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import Stack


def wire_audit(stack: Stack) -> None:
    """Point the exchange's audit client at the in-process audit service."""
    trading: Trading = stack.exchange.app.state.trading  # type: ignore[attr-defined]
    trading.audit.close()
    trading.audit = AuditClient.connect(
        "http://audit.test", credentials=own_service_tokens(trading.issuer, "exchange"),
        transport=stack.audit._transport,  # type: ignore[attr-defined]
    )


def to_ledger(stack: Stack) -> None:
    """Deliver the exchange's and the catalog's outboxes to the ledger."""
    trading: Trading = stack.exchange.app.state.trading  # type: ignore[attr-defined]
    apps: list[tuple[str, Any, Table]] = [
        ("exchange", stack.exchange.app, exchange_outbox),  # type: ignore[attr-defined]
        ("catalog", stack.catalog.app, catalog_outbox),  # type: ignore[attr-defined]
    ]
    for name, app, table in apps:
        with AuditClient.connect(
            "http://audit.test", credentials=own_service_tokens(trading.issuer, name),
            transport=stack.audit._transport,  # type: ignore[attr-defined]
        ) as audit:
            deliver = partial(audit.deliver,
                              keys=ledger_keyring(app.state.settings, name))
            relay = OutboxRelay(app.state.db, table, deliver)
            while relay.run_once():
                pass


class DisputeMarket(Market):
    """A market whose disputes can cite ledger entries."""

    def __init__(self, stack: Stack) -> None:
        super().__init__(stack)
        wire_audit(stack)

    def entries(self, order: dict[str, Any], token: str | None = None) -> list[dict[str, Any]]:
        """The order's ledger entries (relayed first), as its parties see them."""
        to_ledger(self.stack)
        response = self.exchange.get(f"/v1/orders/{order['id']}/ledger-entries",
                                     headers=bearer(token or self.buyer))
        assert response.status_code == 200, response.text
        return list(response.json())

    def seq_of(self, order: dict[str, Any], type_: str) -> int:
        """The ledger seq of the order's (first) entry of ``type_``."""
        return next(int(e["ledger_seq"]) for e in self.entries(order) if e["type"] == type_)

    def open(self, order: dict[str, Any], token: str | None,
             **extra: Any) -> httpx.Response:
        """POST /v1/disputes."""
        body = {"order_id": order["id"], "reason": "数据与描述不符", **extra}
        return self.exchange.post("/v1/disputes", json=body, headers=bearer(token))

    def answer(self, dispute: dict[str, Any], token: str | None,
               **extra: Any) -> httpx.Response:
        """POST /v1/disputes/{id}/answer."""
        body = {"statement": "已按合同交付，下载记录为证", **extra}
        return self.exchange.post(f"/v1/disputes/{dispute['id']}/answer", json=body,
                                  headers=bearer(token))

    def rule(self, dispute: dict[str, Any], token: str | None,
             **body: Any) -> httpx.Response:
        """POST /v1/disputes/{id}/rule."""
        return self.exchange.post(f"/v1/disputes/{dispute['id']}/rule", json=body,
                                  headers=bearer(token))

    def answered(self, order: dict[str, Any], opener: str, respondent: str
                 ) -> dict[str, Any]:
        """A dispute opened by ``opener`` and answered (without evidence) by ``respondent``."""
        opened = self.open(order, opener)
        assert opened.status_code == 201, opened.text
        answered = self.answer(opened.json(), respondent)
        assert answered.status_code == 200, answered.text
        return dict(answered.json())
