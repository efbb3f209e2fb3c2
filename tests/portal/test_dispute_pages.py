"""The parties' dispute pages in-process: the buyer opens a dispute citing ledger
entries chosen on the order page, the provider answers with its own evidence, and the
case file downloads and verifies offline; wrong organisation, bad input and CSRF."""

from __future__ import annotations

import re

import pytest

from services.audit.verify.casefile import verify_case_file
from services.portal.session import CSRF_FIELD
from tests.exchange.dispute_helpers import DisputeMarket, to_ledger
from tests.exchange.trading_helpers import PASSWORD, bearer
from tests.portal.conftest import Portal


@pytest.fixture
def market(portal: Portal) -> DisputeMarket:
    return DisputeMarket(portal.stack)


def csrf_of(html: str) -> str:
    match = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', html)
    assert match, "no CSRF field"
    return match.group(1)


def test_opened_with_evidence_answered_and_the_case_file_downloads(
    portal: Portal, market: DisputeMarket
) -> None:
    order = market.paid()
    to_ledger(market.stack)
    paid = market.seq_of(order, "order.paid")
    accepted = market.seq_of(order, "order.accepted")
    market.provider  # registered before signing in as the buyer
    assert portal.sign_in("buyer", PASSWORD).status_code == 303
    page = portal.client.get(f"/orders/{order['id']}").text
    assert f'name="evidence" value="{paid}"' in page
    opened = portal.client.post(f"/orders/{order['id']}/dispute", data={
        CSRF_FIELD: csrf_of(page), "statement": "数据缺少两个月份", "evidence": str(paid)},
        follow_redirects=False)
    assert opened.status_code == 303, opened.text
    [dispute] = market.exchange.get("/v1/disputes", headers=bearer(market.buyer)).json()
    assert [e["ledger_seq"] for e in dispute["evidence"]] == [paid]
    own = portal.client.get(f"/disputes/{dispute['id']}").text
    assert 'action="/disputes/' not in own  # the opener does not answer

    portal.client.cookies.clear()
    assert portal.sign_in("provider", PASSWORD).status_code == 303
    path = f"/disputes/{dispute['id']}"
    page = portal.client.get(path).text
    assert "数据缺少两个月份" in page and f'name="evidence" value="{accepted}"' in page
    empty = portal.client.post(f"{path}/answer", data={CSRF_FIELD: csrf_of(page),
                                                       "statement": ""})
    assert empty.status_code == 422 and 'id="statement-error"' in empty.text
    assert portal.client.post(f"{path}/answer", data={"statement": "已交付"}).status_code == 403
    answered = portal.client.post(f"{path}/answer", data={
        CSRF_FIELD: csrf_of(page), "statement": "已按目录交付", "evidence": str(accepted)},
        follow_redirects=False)
    assert answered.status_code == 303
    after = portal.client.get(answered.headers["location"]).text
    assert "答辩已提交" in after and "已按目录交付" in after
    case = portal.client.get(f"{path}/case")
    assert case.status_code == 200 and "attachment" in case.headers["content-disposition"]
    report = verify_case_file(case.json())
    assert report.ok and [seq for seq, *_ in report.items] == [paid, accepted]


def test_another_organisation_sees_no_dispute(portal: Portal, market: DisputeMarket) -> None:
    order = market.paid()
    dispute = market.open(order, market.buyer).json()
    market.other_buyer
    assert portal.sign_in("other-buyer", PASSWORD).status_code == 303
    assert portal.client.get(f"/disputes/{dispute['id']}").status_code == 404
    assert portal.client.get(f"/disputes/{dispute['id']}/case").status_code == 404
