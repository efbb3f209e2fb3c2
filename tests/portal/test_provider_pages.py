"""The provider's pages: console, dataset drafts, uploads and their quality reports,
submission, assets with certificates and valuations, offers, incoming orders."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from services.portal.pages.provider_forms import (
    FormInvalid,
    api_field_errors,
    columns_text,
    fen_from_yuan,
    parse_columns,
)
from services.portal.session import CSRF_FIELD
from tests.exchange.trading_helpers import PASSWORD, Market, bearer
from tests.portal.conftest import Portal

CSV = ("station_id,line,riders\n"
       + "".join(f"S{n:03d},{n % 5 + 1},{100 + n * 7}\n" for n in range(40))).encode()
COLUMNS = "station_id, string, required, 站点编号\nline, integer\nriders, integer, required"


@pytest.fixture
def market(portal: Portal) -> Market:
    return Market(portal.stack)


@pytest.fixture
def provider(portal: Portal, market: Market) -> Portal:
    """The portal signed in as the provider 杭州市数据资源管理局."""
    assert market.provider
    assert portal.sign_in("provider", PASSWORD).status_code == 303
    return portal


def _draft_form(portal: Portal, **changes: str) -> dict[str, object]:
    form: dict[str, object] = {
        "title_zh": "杭州市地铁站点客流", "title_en": "Hangzhou metro station ridership",
        "description_zh": "各地铁站每日进出站人次。", "description_en": "",
        "keywords": "地铁，客流", "themes": ["transport"], "open_type": "conditional",
        "grade": "general", "update_frequency": "daily", "licence": "CC-BY-4.0",
        "columns": COLUMNS, CSRF_FIELD: portal.csrf("/provider/datasets/new")}
    form.update(changes)
    return form


def _create_draft(portal: Portal) -> str:
    answer = portal.client.post("/provider/datasets", data=_draft_form(portal),
                                follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return answer.headers["location"]


def test_amounts_in_yuan_become_exact_fen() -> None:
    assert fen_from_yuan("p", "1234.56") == 123456
    assert fen_from_yuan("p", "¥1,000") == 100000
    assert fen_from_yuan("p", "0.1") == 10
    for bad in ("1.005", "-1", "abc", "NaN"):
        with pytest.raises(FormInvalid):
            fen_from_yuan("p", bad)


def test_declared_columns_are_typed_one_a_line() -> None:
    columns = parse_columns(COLUMNS)
    assert columns[0] == {"name": "station_id", "type": "string", "required": True,
                          "description": "站点编号"}
    assert columns[1]["required"] is False
    assert parse_columns(columns_text(columns)) == columns
    with pytest.raises(FormInvalid):
        parse_columns("riders, money")


def test_anonymous_visitors_sign_in_and_buyers_get_403(portal: Portal) -> None:
    answer = portal.client.get("/provider", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/signin?next=/provider"
    portal.stack.member(roles=["buyer"], credit_code="91110108551385082Q", username="buyer-b",
                        password=PASSWORD)
    portal.sign_in("buyer-b", PASSWORD)
    for path in ("/provider", "/provider/datasets/new"):
        refused = portal.client.get(path)
        assert refused.status_code == 403
        assert "您的账户无权访问此页面" in refused.text
    assert 'href="/provider"' not in portal.client.get("/me").text


def test_a_post_without_the_csrf_token_is_refused(provider: Portal) -> None:
    form = _draft_form(provider)
    del form[CSRF_FIELD]
    answer = provider.client.post("/provider/datasets", data=form)
    assert answer.status_code == 403 and "表单已过期" in answer.text
    upload = provider.client.post("/provider/datasets/ds_x/files",
                                  files={"file": ("a.csv", CSV)},
                                  headers={"X-CSRF-Token": "forged"})
    assert upload.status_code == 403


def test_console_lists_drafts_and_the_balance(provider: Portal) -> None:
    _create_draft(provider)
    html = provider.client.get("/provider").text
    assert "数据提供方控制台" in html and "杭州市地铁站点客流" in html and "草稿" in html
    assert "¥0.00" in html
    english = provider.client.get("/provider", params={"lang": "en"}).text
    assert "Provider console" in english and "Draft" in english


def test_the_catalogs_refusals_show_next_to_their_fields(provider: Portal) -> None:
    answer = provider.client.post("/provider/datasets",
                                  data=_draft_form(provider, title_zh="", themes=[]))
    assert answer.status_code == 422
    html = answer.text
    assert 'id="title_zh-error"' in html and 'id="themes-error"' in html
    assert 'value="Hangzhou metro station ridership"' in html  # what was typed stays
    bad_columns = provider.client.post("/provider/datasets",
                                       data=_draft_form(provider, columns="riders, money"))
    assert bad_columns.status_code == 422
    assert 'id="columns-error"' in bad_columns.text and "未知的字段类型" in bad_columns.text


def test_edit_a_draft(provider: Portal) -> None:
    page = _create_draft(provider)
    form_html = provider.client.get(f"{page}/edit").text
    assert 'value="杭州市地铁站点客流"' in form_html and "station_id, string, required" in form_html
    saved = provider.client.post(f"{page}/edit", data=_draft_form(
        provider, title_zh="杭州市地铁站点日客流"), follow_redirects=False)
    assert saved.status_code == 303
    assert "杭州市地铁站点日客流" in provider.client.get(page).text


def test_upload_without_script_shows_the_quality_report(provider: Portal) -> None:
    page = _create_draft(provider)
    html = provider.client.get(page).text
    assert 'enctype="multipart/form-data"' in html and "/static/upload.js" in html
    answer = provider.client.post(f"{page}/files", files={"file": ("riders.csv", CSV)},
                                  data={CSRF_FIELD: provider.csrf(page)},
                                  follow_redirects=False)
    assert answer.status_code == 303, answer.text
    report = provider.client.get(answer.headers["location"])
    assert report.status_code == 200
    assert "文件质量报告" in report.text and "<svg" in report.text and "规范性" in report.text
    assert "S000" in report.text  # the sample
    assert "提交审核" in report.text


def test_upload_by_script_streams_and_answers_json(provider: Portal) -> None:
    page = _create_draft(provider)
    answer = provider.client.post(f"{page}/files", files={"file": ("riders.csv", CSV)},
                                  headers={"X-CSRF-Token": provider.csrf(page),
                                           "Accept": "application/json"})
    assert answer.status_code == 201, answer.text
    location = answer.json()["location"]
    assert location.startswith(f"{page}/files/")
    assert provider.client.get(location).status_code == 200
    refused = provider.client.post(f"{page}/files", files={"file": ("bad.csv", b"\xff\xfe\x00")},
                                   headers={"X-CSRF-Token": provider.csrf(page),
                                            "Accept": "application/json"})
    assert refused.status_code == 422 and refused.json()["error"]


def test_a_refused_upload_shows_next_to_the_file_field(provider: Portal) -> None:
    page = _create_draft(provider)
    empty = provider.client.post(f"{page}/files", data={CSRF_FIELD: provider.csrf(page)},
                                 files={"file": ("", b"")})
    assert empty.status_code == 422 and 'id="file-error"' in empty.text
    bad = provider.client.post(f"{page}/files", files={"file": ("x.txt", b"not data")},
                               data={CSRF_FIELD: provider.csrf(page)})
    assert bad.status_code in (409, 415, 422)
    assert 'id="file-error"' in bad.text and 'aria-invalid="true"' in bad.text


def _submitted_and_listed(provider: Portal, market: Market) -> str:
    page = _create_draft(provider)
    provider.client.post(f"{page}/files", files={"file": ("riders.csv", CSV)},
                         data={CSRF_FIELD: provider.csrf(page)})
    submitted = provider.client.post(f"{page}/submit", data={CSRF_FIELD: provider.csrf(page)},
                                     follow_redirects=False)
    assert submitted.status_code == 303
    assert "待审核" in provider.client.get(page).text
    dataset_id = page.rsplit("/", 1)[1]
    _approve(provider.stack.catalog, f"/v1/datasets/{dataset_id}/review", market)
    return page


def _approve(api: TestClient, review_path: str, market: Market) -> None:
    """The operator's approval of a review, by the API."""
    approved = api.post(review_path, json={"approve": True}, headers=bearer(market.operator))
    assert approved.status_code == 200, approved.text


def _registered_asset(provider: Portal, market: Market) -> str:
    page = _submitted_and_listed(provider, market)
    html = provider.client.get(page).text
    assert "登记数据资产" in html
    registered = provider.client.post("/provider/assets", data={
        "dataset_id": page.rsplit("/", 1)[1], "name": "地铁站点客流数据资产",
        "rights": ["holding", "processing", "operation"], CSRF_FIELD: provider.csrf(page)},
        follow_redirects=False)
    assert registered.status_code == 303, registered.text
    asset_page = registered.headers["location"]
    assert "待审核" in provider.client.get(asset_page).text
    _approve(provider.stack.exchange, f"/v1/assets/{asset_page.rsplit('/', 1)[1]}/review",
             market)
    return asset_page


def test_register_an_asset_and_verify_its_certificate(provider: Portal, market: Market) -> None:
    asset_page = _registered_asset(provider, market)
    html = provider.client.get(asset_page).text
    link = re.search(r'href="(/provider/assets/[^"]+/certificate)"', html)
    assert link is not None
    certificate = provider.client.get(link.group(1)).text
    assert "数据资产登记证书" in certificate and "dataex.registration_certificate" in certificate
    verified = provider.client.get(link.group(1), params={"verify": "true"}).text
    assert "签名有效" in verified and "已登记" in verified


def test_a_refused_registration_shows_on_the_dataset_page(provider: Portal,
                                                          market: Market) -> None:
    page = _submitted_and_listed(provider, market)
    answer = provider.client.post("/provider/assets", data={
        "dataset_id": page.rsplit("/", 1)[1], "name": "x", CSRF_FIELD: provider.csrf(page)})
    assert answer.status_code == 422
    assert 'id="name-error"' in answer.text and 'id="rights-error"' in answer.text


def test_value_an_asset_in_yuan(provider: Portal, market: Market) -> None:
    asset_page = _registered_asset(provider, market)
    token = provider.csrf(asset_page)
    form = {"collection": "10000", "storage": "2000", "processing": "3000.5",
            "labour": "4000", "indirect": "0", "profit_rate": "15", CSRF_FIELD: token}
    refused = provider.client.post(f"{asset_page}/valuations",
                                   data={**form, "storage": "1.234"})
    assert refused.status_code == 422
    assert 'id="storage-error"' in refused.text and "最多两位小数" in refused.text
    done = provider.client.post(f"{asset_page}/valuations", data=form, follow_redirects=False)
    assert done.status_code == 303
    html = provider.client.get(asset_page).text
    assert "成本法" in html and "¥" in html


def test_create_and_withdraw_an_offer(provider: Portal, market: Market) -> None:
    asset_page = _registered_asset(provider, market)
    token = provider.csrf(asset_page)
    form = {"title": "地铁客流年度授权", "plan": "one_time", "price_yuan": "1200.50",
            "term_days": "365", "rights_granted": ["processing"], CSRF_FIELD: token}
    refused = provider.client.post(f"{asset_page}/offers", data={**form, "price_yuan": "1.001"})
    assert refused.status_code == 422 and 'id="price_yuan-error"' in refused.text
    api_refused = provider.client.post(f"{asset_page}/offers", data={**form, "term_days": "0"})
    assert api_refused.status_code == 422 and 'id="term_days-error"' in api_refused.text
    created = provider.client.post(f"{asset_page}/offers", data=form, follow_redirects=False)
    assert created.status_code == 303
    html = provider.client.get(asset_page).text
    assert "地铁客流年度授权" in html and "¥1,200.50" in html and "有效" in html
    offer_id = market.exchange.get("/v1/offers").json()["items"][0]["id"]
    withdrawn = provider.client.post(f"/provider/offers/{offer_id}/withdraw",
                                     data={"back": asset_page, CSRF_FIELD: token},
                                     follow_redirects=False)
    assert withdrawn.status_code == 303 and withdrawn.headers["location"] == asset_page
    assert "已撤回" in provider.client.get("/provider").text


def test_accept_and_reject_incoming_orders(provider: Portal, market: Market) -> None:
    offer = market.offer()
    first = market.order(offer)
    second = market.order(offer)
    html = provider.client.get("/provider").text
    assert first["id"] in html and "交通规划研究" in html and "¥500.00" in html
    token = provider.csrf("/provider")
    accepted = provider.client.post(f"/provider/orders/{first['id']}/accept",
                                    data={CSRF_FIELD: token}, follow_redirects=False)
    assert accepted.status_code == 303
    rejected = provider.client.post(f"/provider/orders/{second['id']}/reject",
                                    data={"reason": "用途不符", CSRF_FIELD: token},
                                    follow_redirects=False)
    assert rejected.status_code == 303
    html = provider.client.get("/provider").text
    assert "已接受" in html and "已拒绝" in html
    again = provider.client.post(f"/provider/orders/{second['id']}/accept",
                                 data={CSRF_FIELD: token})
    assert again.status_code == 409 and 'role="alert"' in again.text


def test_another_providers_order_is_refused(provider: Portal, market: Market) -> None:
    offer = market.offer(market.company)
    order = market.order(offer)
    answer = provider.client.post(f"/provider/orders/{order['id']}/accept",
                                  data={CSRF_FIELD: provider.csrf("/provider")})
    assert answer.status_code in (403, 404)
    assert "Traceback" not in answer.text


def test_api_field_errors_fall_back_to_the_detail() -> None:
    from services.clients import ApiProblem

    problem = ApiProblem(409, {"detail": "dataset is submitted"})
    assert api_field_errors(problem) == {"form": "dataset is submitted"}
