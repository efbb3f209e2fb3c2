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


def test_the_provider_opens_a_dispute_on_its_order_page_and_the_buyer_answers(
    portal: Portal, market: DisputeMarket
) -> None:
    order = market.paid()
    to_ledger(market.stack)
    paid = market.seq_of(order, "order.paid")
    market.buyer  # registered before signing in as the provider
    assert portal.sign_in("provider", PASSWORD).status_code == 303
    console = portal.client.get("/provider").text
    assert f'href="/provider/orders/{order["id"]}"' in console
    path = f"/provider/orders/{order['id']}"
    page = portal.client.get(path).text
    assert f'action="{path}/dispute"' in page and f'name="evidence" value="{paid}"' in page
    empty = portal.client.post(f"{path}/dispute", data={CSRF_FIELD: csrf_of(page),
                                                        "statement": ""})
    assert empty.status_code == 422 and 'id="statement-error"' in empty.text
    assert portal.client.post(f"{path}/dispute", data={"statement": "未付尾款"}
                              ).status_code == 403  # no CSRF token
    opened = portal.client.post(f"{path}/dispute", data={
        CSRF_FIELD: csrf_of(page), "statement": "需求方超范围使用", "evidence": str(paid)},
        follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"] == f"{path}?done=disputed"
    after = portal.client.get(opened.headers["location"]).text
    [dispute] = market.exchange.get("/v1/disputes", headers=bearer(market.provider)).json()
    assert dispute["opened_by_role"] == "provider"
    assert [e["ledger_seq"] for e in dispute["evidence"]] == [paid]
    assert f'href="/disputes/{dispute["id"]}"' in after and f'action="{path}/dispute"' not in after

    portal.client.cookies.clear()
    assert portal.sign_in("buyer", PASSWORD).status_code == 303
    order_page = portal.client.get(f"/orders/{order['id']}").text
    assert f'href="/disputes/{dispute["id"]}"' in order_page
    own = portal.client.get(f"/disputes/{dispute['id']}").text
    assert "需求方超范围使用" in own and f'action="/disputes/{dispute["id"]}/answer"' in own


def test_a_provider_dispute_citing_another_orders_entry_is_refused_on_the_page(
    portal: Portal, market: DisputeMarket
) -> None:
    order, other = market.paid(), market.paid()
    to_ledger(market.stack)
    foreign = market.seq_of(other, "order.paid")
    market.buyer
    assert portal.sign_in("provider", PASSWORD).status_code == 303
    path = f"/provider/orders/{order['id']}"
    page = portal.client.get(path).text
    refused = portal.client.post(f"{path}/dispute", data={
        CSRF_FIELD: csrf_of(page), "statement": "引用错了", "evidence": str(foreign)})
    assert refused.status_code == 422 and 'role="alert"' in refused.text
    assert "引用错了" in refused.text  # the statement is kept
    assert market.exchange.get("/v1/disputes", headers=bearer(market.provider)).json() == []


def test_the_provider_order_page_is_for_the_orders_provider_only(
    portal: Portal, market: DisputeMarket
) -> None:
    order = market.paid()
    market.other_buyer
    assert portal.sign_in("buyer", PASSWORD).status_code == 303
    assert portal.client.get(f"/provider/orders/{order['id']}").status_code == 403
    portal.client.cookies.clear()
    market.company  # another provider organisation
    assert portal.sign_in("company", PASSWORD).status_code == 303
    assert portal.client.get(f"/provider/orders/{order['id']}").status_code == 404
