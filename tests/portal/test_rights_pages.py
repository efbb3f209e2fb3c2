"""Rights and not-open data in the portal (in-process): the provider's offer form with
rights_granted, the regulator's authorisations (list, approve, revoke), the operator's
override of the PII rule; errors next to fields, wrong role, CSRF."""

from __future__ import annotations

from typing import Any

import pytest

from services.portal.session import CSRF_FIELD
from tests.catalog.test_pii_classification import WITH_IDS, submitted
from tests.exchange.file_trading import listed_with_file
from tests.exchange.trading_helpers import PASSWORD, Market, bearer
from tests.portal.conftest import Portal
from tests.stack import OPERATOR

PAGE = "/regulator/authorisations"


@pytest.fixture
def market(portal: Portal) -> Market:
    return Market(portal.stack)


def not_open_asset(market: Market) -> dict[str, Any]:
    dataset, _ = listed_with_file(market, open_type="not_open")
    registered = market.exchange.post("/v1/assets", headers=bearer(market.provider), json={
        "name": "不予开放的客流数据", "dataset_ids": [dataset["id"]], "rights": ["holding"]})
    return dict(market.exchange.post(f"/v1/assets/{registered.json()['id']}/review",
                                     json={"approve": True},
                                     headers=bearer(market.operator)).json())


def test_the_regulator_approves_and_revokes_an_authorisation(portal: Portal,
                                                             market: Market) -> None:
    asset = not_open_asset(market)
    buyer_org = market.org(market.buyer)
    assert market.regulator
    assert portal.sign_in("regulator", PASSWORD).status_code == 303
    page = portal.client.get(PAGE)
    assert page.status_code == 200 and asset["name"] in page.text
    token = portal.csrf(PAGE)
    empty = portal.client.post(PAGE, data={CSRF_FIELD: token, "term_days": "0"})
    assert empty.status_code == 422
    for field in ("asset_id", "operator_org_id", "scenario", "term_days"):
        assert f'id="{field}-error"' in empty.text
    owner = portal.client.post(PAGE, data={
        CSRF_FIELD: token, "asset_id": asset["id"], "operator_org_id": asset["owner_org_id"],
        "scenario": "交通信号配时优化", "term_days": "365"})
    assert owner.status_code == 422 and 'id="operator_org_id-error"' in owner.text
    assert portal.client.post(PAGE, data={"asset_id": asset["id"]}).status_code == 403
    made = portal.client.post(PAGE, data={
        CSRF_FIELD: token, "asset_id": asset["id"], "operator_org_id": buyer_org,
        "scenario": "交通信号配时优化", "term_days": "365"}, follow_redirects=False)
    assert made.status_code == 303
    listed = portal.client.get(made.headers["location"]).text
    assert "交通信号配时优化" in listed and "生效中" in listed
    [authorisation] = market.exchange.get("/v1/authorisations",
                                          headers=bearer(market.regulator)).json()
    revoke = f"{PAGE}/{authorisation['id']}/revoke"
    blank = portal.client.post(revoke, data={CSRF_FIELD: token})
    assert blank.status_code == 422 and f'id="{authorisation["id"]}-error"' in blank.text
    revoked = portal.client.post(revoke, data={CSRF_FIELD: token, "reason": "场景结束"},
                                 follow_redirects=False)
    assert revoked.status_code == 303
    assert "已撤销" in portal.client.get(PAGE).text


def test_only_regulators_reach_the_authorisations(portal: Portal, market: Market) -> None:
    assert market.buyer
    assert portal.sign_in("buyer", PASSWORD).status_code == 303
    assert portal.client.get(PAGE).status_code == 403


def test_the_operator_overrides_the_pii_rule_with_a_reason(portal: Portal,
                                                          market: Market) -> None:
    dataset_id = submitted(market, WITH_IDS, open_type="unconditional", grade="general")
    assert portal.sign_in(*OPERATOR).status_code == 303
    page = f"/operator/listings/{dataset_id}"
    html = portal.client.get(page).text
    assert "身份证号" in html and "pii_reason" in html
    token = portal.csrf(page)
    refused = portal.client.post(f"{page}/decision", data={CSRF_FIELD: token,
                                                           "decision": "approve"})
    assert refused.status_code == 409 and "resident_id" in refused.text
    blank = portal.client.post(f"{page}/pii-override", data={CSRF_FIELD: token})
    assert blank.status_code == 422 and 'id="pii_reason-error"' in blank.text
    done = portal.client.post(f"{page}/pii-override", data={
        CSRF_FIELD: token, "pii_reason": "测试号段，非真实身份证号"}, follow_redirects=False)
    assert done.status_code == 303
    assert "运营方已记录放行理由" in portal.client.get(page).text
    approved = portal.client.post(f"{page}/decision", data={CSRF_FIELD: token,
                                                            "decision": "approve"},
                                  follow_redirects=False)
    assert approved.status_code == 303


def test_the_offer_form_says_which_rights_cannot_be_granted(portal: Portal,
                                                            market: Market) -> None:
    asset = market.registered_asset(rights=["holding"])
    assert portal.sign_in("provider", PASSWORD).status_code == 303
    page = f"/provider/assets/{asset['id']}"
    html = portal.client.get(page).text
    assert 'name="rights_granted"' in html
    form = {CSRF_FIELD: portal.csrf(page), "plan": "one_time", "price_yuan": "10",
            "term_days": "30", "rights_granted": ["operation"]}
    refused = portal.client.post(f"{page}/offers", data=form)
    assert refused.status_code == 422 and 'id="rights_granted-error"' in refused.text
    assert "operation" in refused.text
    made = portal.client.post(f"{page}/offers", data={**form, "rights_granted": []},
                              follow_redirects=False)
    assert made.status_code == 303
    [offer] = market.exchange.get("/v1/offers").json()["items"]
    assert offer["rights_granted"] == ["processing"]
