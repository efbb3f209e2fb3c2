"""The regulator's security-event page in-process: failures listed with their source,
filters that stay in the paging link, the nav link, and refusal to others."""

from __future__ import annotations

import pytest

from tests.exchange.trading_helpers import PASSWORD, Market
from tests.portal.conftest import Portal


@pytest.fixture
def market(portal: Portal) -> Market:
    return Market(portal.stack)


def test_the_regulator_sees_failed_sign_ins_and_filters_them(portal: Portal,
                                                             market: Market) -> None:
    assert market.regulator and market.buyer
    for guess in ("wrong-guess-1", "wrong-guess-2"):
        portal.stack.exchange.post("/v1/auth/token", data={
            "grant_type": "password", "username": "buyer", "password": guess})
    assert portal.sign_in("regulator", PASSWORD).status_code == 303
    page = portal.client.get("/regulator/security-events")
    assert page.status_code == 200
    assert "安全事件" in page.text and 'href="/regulator/security-events"' in page.text
    assert "sign_in.failed" in page.text and "sign_in.succeeded" in page.text
    failed = portal.client.get("/regulator/security-events",
                               params={"type": "sign_in.failed", "outcome": "failure"})
    assert failed.text.count("<code>sign_in.failed</code>") == 2
    assert "<code>sign_in.succeeded</code>" not in failed.text
    english = portal.client.get("/regulator/security-events", params={"lang": "en"})
    assert "Security events" in english.text
    none = portal.client.get("/regulator/security-events", params={"org_id": "org_nobody"})
    assert "No events match." in none.text


def test_others_are_refused_the_security_event_page(portal: Portal, market: Market) -> None:
    assert market.buyer
    assert portal.sign_in("buyer", PASSWORD).status_code == 303
    refused = portal.client.get("/regulator/security-events")
    assert refused.status_code == 403
