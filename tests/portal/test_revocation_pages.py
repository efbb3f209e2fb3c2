"""Revocation pages in-process: a regulator revokes a grant from a trade's grant page,
the operator's lookup of an unknown order, a provider withdraws a file on its dataset
page; the buyer's order page shows the revocation's reason."""

from __future__ import annotations

import pytest

from services.portal.session import CSRF_FIELD
from tests.exchange.file_trading import listed_with_file
from tests.exchange.trading_helpers import PASSWORD, Market
from tests.portal.conftest import Portal
from tests.stack import OPERATOR


@pytest.fixture
def market(portal: Portal) -> Market:
    return Market(portal.stack)


def test_a_regulator_revokes_from_the_trade_and_the_buyer_reads_why(
        portal: Portal, market: Market) -> None:
    order = market.paid()
    assert market.regulator
    page = f"/regulator/orders/{order['id']}/grant"
    assert portal.sign_in("buyer", PASSWORD).status_code == 303
    assert portal.client.get(page).status_code == 403  # not a regulator's page for buyers

    assert portal.sign_in("regulator", PASSWORD).status_code == 303
    shown = portal.client.get(page)
    assert shown.status_code == 200 and "有效" in shown.text
    action = f"/regulator/orders/{order['id']}/revoke-grant"
    blank = portal.client.post(action, data={"reason": " ", CSRF_FIELD: portal.csrf(page)})
    assert blank.status_code == 422 and 'id="reason-error"' in blank.text
    assert portal.client.post(action, data={"reason": "违反授权用途"}).status_code == 403  # CSRF
    done = portal.client.post(action, follow_redirects=False,
                              data={"reason": "违反授权用途", CSRF_FIELD: portal.csrf(page)})
    assert (done.status_code, done.headers["location"]) == (303, page)
    after = portal.client.get(page).text
    assert "已撤销" in after and "违反授权用途" in after and "撤销授权</button>" not in after
    timeline = f"/regulator/orders/{order['id']}/timeline"
    assert page in portal.client.get(timeline).text

    assert portal.sign_in("buyer", PASSWORD).status_code == 303
    mine = portal.client.get(f"/orders/{order['id']}?lang=en").text
    assert "access grant was revoked" in mine and "违反授权用途" in mine


def test_the_operators_lookup(portal: Portal, market: Market) -> None:
    order = market.paid()
    assert portal.sign_in(*OPERATOR).status_code == 303
    form = portal.client.get("/operator/orders")
    assert form.status_code == 200 and 'for="order"' in form.text
    unknown = portal.client.get("/operator/orders", params={"order": "ord_nope"})
    assert unknown.status_code == 404 and 'id="order-error"' in unknown.text
    found = portal.client.get("/operator/orders", params={"order": order["id"]})
    assert found.status_code == 200 and "撤销授权</button>" in found.text


def test_a_provider_withdraws_a_file_on_its_dataset_page(portal: Portal, market: Market) -> None:
    dataset, uploaded = listed_with_file(market)
    page = f"/provider/datasets/{dataset['id']}"
    action = f"{page}/files/{uploaded['id']}/withdraw"
    assert market.company
    assert portal.sign_in("company", PASSWORD).status_code == 303
    other = portal.client.post(action, data={"reason": "误传", CSRF_FIELD: portal.csrf(page)})
    assert other.status_code == 403 and "publisher" in other.text

    assert portal.sign_in("provider", PASSWORD).status_code == 303
    shown = portal.client.get(page).text
    assert "撤回文件" in shown and uploaded["sha256"][:12] in shown
    blank = portal.client.post(action, data={"reason": "", CSRF_FIELD: portal.csrf(page)})
    assert blank.status_code == 422 and f'id="withdraw-{uploaded["id"]}-error"' in blank.text
    done = portal.client.post(action, data={"reason": "误传", CSRF_FIELD: portal.csrf(page)},
                              follow_redirects=False)
    assert done.status_code == 303
    after = portal.client.get(done.headers["location"]).text
    assert "文件已撤回。" in after and uploaded["sha256"][:12] not in after
