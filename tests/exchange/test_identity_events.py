"""Membership changes are recorded for the ledger in the same transaction."""

from __future__ import annotations

import json

from sqlalchemy import select

from services.exchange.outbox import outbox
from services.shared.events import EventRecord, signature_valid
from services.shared.outbox import ledger_keyring
from tests.stack import Stack

PROVIDER_CODE = "91330100716105852F"


def outbox_rows(stack: Stack) -> list[dict[str, object]]:
    db = stack.exchange.app.state.db  # type: ignore[attr-defined]
    with db.reading() as session:
        return [dict(r._mapping) for r in session.execute(select(outbox).order_by(outbox.c.id))]


def test_registration_and_approval_are_recorded_and_signed(stack: Stack) -> None:
    org = stack.register(roles=["provider"], credit_code=PROVIDER_CODE, username="p-admin")
    stack.exchange.post(f"/v1/organizations/{org['id']}/approve",
                        headers={"Authorization": f"Bearer {stack.operator_token()}"})
    rows = [r for r in outbox_rows(stack) if json.loads(str(r["record"]))["subject"] == org["id"]]
    records = [EventRecord.from_dict(json.loads(str(r["record"]))) for r in rows]
    assert [r.type for r in records] == ["organization.registered", "organization.approved"]
    assert records[0].actor == "anonymous"
    assert records[0].payload["credit_code"] == PROVIDER_CODE
    assert "p-admin" not in str(rows[0]["record"])
    key = ledger_keyring(stack.exchange_settings, "exchange").active()
    for row, record in zip(rows, records, strict=True):
        assert row["kid"] == key.kid
        assert signature_valid(key.public_key, record.canonical(), str(row["signature"]))  # type: ignore[arg-type]
        assert row["delivered_at"] is None


def test_a_refused_registration_records_nothing(stack: Stack) -> None:
    before = len(outbox_rows(stack))
    response = stack.exchange.post(
        "/v1/organizations",
        json={"name": "x-org", "credit_code": "91330100716105852G", "roles": ["buyer"],
              "admin": {"username": "x-admin", "password": "a-good-password"}},
    )
    assert response.status_code == 422
    assert len(outbox_rows(stack)) == before
