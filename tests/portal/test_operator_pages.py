"""Operator pages: the review desk and its queues, approve / reject with a reason,
organisations, deposits typed in 元; access refusals and CSRF."""

from __future__ import annotations

import re
from typing import Any

import pytest

from services.portal.pages.operator_accounts import AmountRefused, fen_from_yuan
from services.portal.session import CSRF_FIELD
from tests.exchange.trading_helpers import Market, bearer, dataset_body
from tests.portal.conftest import Portal
from tests.stack import OPERATOR

APPLICANT_CODE = "91330100716105852F"


@pytest.fixture
def market(portal: Portal) -> Market:
    """Members and their data on the portal's services."""
    return Market(portal.stack)


@pytest.fixture
def operator_portal(portal: Portal) -> Portal:
    """The portal with the operator signed in."""
    assert portal.sign_in(*OPERATOR).status_code == 303
    return portal


def applicant(portal: Portal) -> dict[str, Any]:
    """A membership application waiting for review."""
    return portal.stack.register(roles=["buyer"], credit_code=APPLICANT_CODE,
                                 username="applicant", name="杭州申请科技有限公司")


def submitted_dataset(market: Market) -> dict[str, Any]:
    """A provider's dataset submitted for listing."""
    created = market.stack.catalog.post("/v1/datasets", headers=bearer(market.provider),
                                        json=dataset_body(title={"zh": "待审核的客流数据",
                                                                 "en": "Ridership to review"}))
    assert created.status_code == 201, created.text
    submitted = market.stack.catalog.post(f"/v1/datasets/{created.json()['id']}/submit",
                                          headers=bearer(market.provider))
    assert submitted.status_code == 200, submitted.text
    return dict(submitted.json())


def pending_asset(market: Market) -> dict[str, Any]:
    """A provider's asset registration waiting for review."""
    listed = market.listed_dataset()
    asset = market.exchange.post("/v1/assets", headers=bearer(market.provider), json={
        "name": "待审核的客流数据资产", "dataset_ids": [listed["id"]], "rights": ["holding"]})
    assert asset.status_code == 201, asset.text
    return dict(asset.json())


def post_form(portal: Portal, path: str, data: dict[str, str], *,
              page: str = "/operator") -> Any:
    """POST a form with the CSRF token of ``page``."""
    return portal.client.post(path, data={**data, CSRF_FIELD: portal.csrf(page)},
                              follow_redirects=False)


def test_the_desk_lists_the_three_queues_with_counts(operator_portal: Portal,
                                                     market: Market) -> None:
    applicant(operator_portal)
    dataset = submitted_dataset(market)
    asset = pending_asset(market)
    page = operator_portal.client.get("/operator")
    assert page.status_code == 200
    html = page.text
    assert "<h1>运营工作台</h1>" in html
    assert "杭州申请科技有限公司" in html
    assert f'href="/operator/listings/{dataset["id"]}"' in html
    assert f'href="/operator/assets/{asset["id"]}"' in html
    counts = re.findall(r'<span class="queue-count">(\d+\+?)</span>', html)
    # The market's own members were approved on registration: one applicant waits.
    assert counts == ["1", "1", "1"]
    assert 'href="/operator"' in html  # the desk is in the main navigation


def test_approving_a_membership_redirects_to_the_desk_with_a_notice(
        operator_portal: Portal) -> None:
    org = applicant(operator_portal)
    detail = operator_portal.client.get(f"/operator/memberships/{org['id']}")
    assert detail.status_code == 200
    assert APPLICANT_CODE in detail.text and '<label for="reason">驳回理由</label>' in detail.text
    done = post_form(operator_portal, f"/operator/memberships/{org['id']}/decision",
                     {"decision": "approve"})
    assert done.status_code == 303
    assert done.headers["location"] == "/operator?done=memberships.approved"
    desk = operator_portal.client.get(done.headers["location"]).text
    assert "会员申请已批准。" in desk
    assert operator_portal.stack.token("applicant", "a-good-password")


def test_rejecting_without_a_reason_shows_the_error_next_to_the_field(
        operator_portal: Portal) -> None:
    org = applicant(operator_portal)
    refused = post_form(operator_portal, f"/operator/memberships/{org['id']}/decision",
                        {"decision": "reject", "reason": "   "})
    assert refused.status_code == 422
    assert 'id="reason-error"' in refused.text and "驳回必须填写理由。" in refused.text
    assert 'aria-invalid="true"' in refused.text
    still = operator_portal.client.get(f"/operator/memberships/{org['id']}").text
    assert "待审核" in still


def test_a_listing_is_listed_and_an_asset_rejected_with_its_reason(
        operator_portal: Portal, market: Market) -> None:
    dataset = submitted_dataset(market)
    detail = operator_portal.client.get(f"/operator/listings/{dataset['id']}")
    assert detail.status_code == 200 and "待审核的客流数据" in detail.text
    listed = post_form(operator_portal, f"/operator/listings/{dataset['id']}/decision",
                       {"decision": "approve"})
    assert listed.headers["location"] == "/operator?done=listings.approved"
    public = operator_portal.client.get(f"/datasets/{dataset['id']}")
    assert public.status_code == 200

    asset = pending_asset(market)
    rejected = post_form(operator_portal, f"/operator/assets/{asset['id']}/decision",
                         {"decision": "reject", "reason": "权属证明材料不全"})
    assert rejected.headers["location"] == "/operator?done=assets.rejected"
    after = operator_portal.client.get(f"/operator/assets/{asset['id']}").text
    assert "权属证明材料不全" in after and "该事项已处理" in after


def test_deciding_twice_shows_the_api_refusal_on_the_page(operator_portal: Portal) -> None:
    org = applicant(operator_portal)
    path = f"/operator/memberships/{org['id']}/decision"
    assert post_form(operator_portal, path, {"decision": "approve"}).status_code == 303
    again = post_form(operator_portal, path, {"decision": "reject", "reason": "重复"})
    assert again.status_code == 409
    assert "only pending organisations can be decided" in again.text
    assert "Traceback" not in again.text


def test_an_important_listing_without_the_regulators_approval_shows_why(
        operator_portal: Portal, market: Market) -> None:
    created = market.stack.catalog.post("/v1/datasets", headers=bearer(market.provider),
                                        json=dataset_body(grade="important"))
    dataset_id = created.json()["id"]
    market.stack.catalog.post(f"/v1/datasets/{dataset_id}/submit",
                              headers=bearer(market.provider))
    page = operator_portal.client.get(f"/operator/listings/{dataset_id}").text
    assert "须监管方先行批准" in page
    refused = post_form(operator_portal, f"/operator/listings/{dataset_id}/decision",
                        {"decision": "approve"})
    assert refused.status_code == 409
    assert 'role="alert"' in refused.text


def test_an_unknown_queue_or_item_is_not_found(operator_portal: Portal) -> None:
    assert operator_portal.client.get("/operator/nosuch/x").status_code == 404
    assert operator_portal.client.get("/operator/memberships/org_nosuch").status_code == 404


def test_organisations_are_listed_and_filtered_by_status(operator_portal: Portal) -> None:
    applicant(operator_portal)
    everyone = operator_portal.client.get("/operator/organizations").text
    assert "杭州申请科技有限公司" in everyone and "<h1>会员单位</h1>" in everyone
    active = operator_portal.client.get("/operator/organizations",
                                        params={"status": "active"}).text
    assert "杭州申请科技有限公司" not in active
    assert 'href="/operator/deposits?org=' in active  # the operator's own organisation


def test_a_deposit_typed_in_yuan_is_credited_in_fen_once(operator_portal: Portal,
                                                         market: Market) -> None:
    buyer_org = market.org(market.buyer)
    form = operator_portal.client.get("/operator/deposits", params={"org": buyer_org}).text
    assert f'<option value="{buyer_org}" selected' in form
    key = re.search(r'name="idempotency_key" value="([^"]+)"', form)
    assert key is not None
    data = {"org_id": buyer_org, "amount": "1,234.56", "reference": "ICBC-0001",
            "idempotency_key": key.group(1)}
    first = post_form(operator_portal, "/operator/deposits", data, page="/operator/deposits")
    assert first.status_code == 303
    shown = operator_portal.client.get(first.headers["location"]).text
    assert "入金已记录" in shown and "¥1,234.56" in shown
    again = post_form(operator_portal, "/operator/deposits", data, page="/operator/deposits")
    assert again.status_code == 303  # the same form sent twice: replayed, not doubled
    account = market.exchange.get("/v1/accounts/me", headers=bearer(market.buyer)).json()
    assert account["balance_fen"] == 123456


@pytest.mark.parametrize(("amount", "message"), [
    ("12.345", "金额最多两位小数"),
    ("abc", "金额格式不正确"),
    ("0", "金额必须大于零"),
    ("", "请填写金额"),
])
def test_a_bad_amount_shows_its_error_next_to_the_field(operator_portal: Portal, amount: str,
                                                        message: str) -> None:
    org_id = operator_portal.client.get("/operator/organizations",
                                        params={"status": "active"}).text
    match = re.search(r'/operator/deposits\?org=([^"]+)"', org_id)
    assert match is not None
    refused = post_form(operator_portal, "/operator/deposits",
                        {"org_id": match.group(1), "amount": amount, "idempotency_key": "k-1"},
                        page="/operator/deposits")
    assert refused.status_code == 422
    assert 'id="amount-error"' in refused.text and message in refused.text
    assert 'name="idempotency_key" value="k-1"' in refused.text  # nothing was sent


def test_the_sweep_runs_and_the_desk_says_what_it_did(operator_portal: Portal) -> None:
    ran = post_form(operator_portal, "/operator/sweep", {})
    assert ran.status_code == 303
    desk = operator_portal.client.get(ran.headers["location"]).text
    assert "已运行到期处理与自动结算" in desk and "过期订单: 0" in desk


@pytest.mark.parametrize("path", ["/operator", "/operator/organizations",
                                  "/operator/deposits", "/operator/memberships/org_x"])
def test_a_member_without_the_operator_role_gets_403(portal: Portal, market: Market,
                                                     path: str) -> None:
    assert market.buyer  # registers and approves the buyer
    assert portal.sign_in("buyer", "a-good-password").status_code == 303
    page = portal.client.get(path)
    assert page.status_code == 403
    assert "您的账户无权访问此页面" in page.text
    assert 'href="/operator"' not in page.text


def test_a_non_operator_cannot_post_a_decision(portal: Portal, market: Market) -> None:
    org = applicant(portal)
    assert market.buyer
    portal.sign_in("buyer", "a-good-password")
    refused = post_form(portal, f"/operator/memberships/{org['id']}/decision",
                        {"decision": "approve"}, page="/me")
    assert refused.status_code == 403


def test_an_anonymous_visitor_is_sent_to_sign_in(portal: Portal) -> None:
    answer = portal.client.get("/operator", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/signin?next=/operator"


def test_a_decision_without_the_csrf_token_is_refused(operator_portal: Portal) -> None:
    org = applicant(operator_portal)
    refused = operator_portal.client.post(f"/operator/memberships/{org['id']}/decision",
                                          data={"decision": "approve"})
    assert refused.status_code == 403
    assert "表单已过期或来源不明" in refused.text
    pending = operator_portal.client.get(f"/operator/memberships/{org['id']}").text
    assert 'value="approve"' in pending  # still undecided


def test_a_deposit_without_the_csrf_token_is_refused(operator_portal: Portal) -> None:
    refused = operator_portal.client.post("/operator/deposits", data={
        "org_id": "org_x", "amount": "1", "idempotency_key": "k"})
    assert refused.status_code == 403


def test_the_desk_is_in_english_too(operator_portal: Portal) -> None:
    html = operator_portal.client.get("/operator", params={"lang": "en"}).text
    assert "<h1>Operator desk</h1>" in html and "Membership applications" in html


@pytest.mark.parametrize(("typed", "fen"), [
    ("1", 100), ("0.01", 1), ("1234.5", 123450), ("¥ 1,000.00", 100000), ("10.50", 1050),
])
def test_yuan_are_converted_to_fen_exactly(typed: str, fen: int) -> None:
    assert fen_from_yuan(typed) == fen


@pytest.mark.parametrize("typed", ["1.001", "-1", "1e3", "0.00", "NaN", "1.2.3",
                                   "99999999999999"])
def test_amounts_that_are_not_yuan_are_refused(typed: str) -> None:
    with pytest.raises(AmountRefused):
        fen_from_yuan(typed)
