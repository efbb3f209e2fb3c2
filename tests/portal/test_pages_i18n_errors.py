"""Languages, the membership form, error pages and health."""

from __future__ import annotations

from tests.portal.conftest import Portal


def test_chinese_by_default_english_by_query_and_remembered(portal: Portal) -> None:
    assert '<html lang="zh-CN">' in portal.client.get("/signin").text
    english = portal.client.get("/signin", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "User name" in english.text
    assert "dataex_lang=en" in english.headers["set-cookie"]
    assert '<html lang="en">' in portal.client.get("/join").text
    assert '<html lang="zh-CN">' in portal.client.get("/join", params={"lang": "zh"}).text


def test_metadata_falls_back_to_the_other_language(seeded_portal: Portal) -> None:
    html = seeded_portal.client.get("/", params={"lang": "en"}).text
    assert "Hangzhou public transport ridership" in html


def test_join_shows_the_check_character_error_next_to_the_field(portal: Portal) -> None:
    form = {"name": "杭州某公司", "credit_code": "91330100716105852G", "roles": ["buyer"],
            "username": "x-admin", "password": "a-long-password",
            "csrf_token": portal.csrf("/join")}
    answer = portal.client.post("/join", data=form)
    assert answer.status_code == 422
    html = answer.text
    assert 'id="credit_code-error"' in html and "check character" in html
    assert 'aria-invalid="true"' in html
    assert 'value="杭州某公司"' in html  # what was typed stays


def test_join_applies_for_membership(portal: Portal) -> None:
    form = {"name": "杭州市交通运输局", "credit_code": "91330100716105852F",
            "roles": ["provider"], "username": "hz-traffic", "password": "a-long-password",
            "csrf_token": portal.csrf("/join")}
    answer = portal.client.post("/join", data=form)
    assert answer.status_code == 201
    assert "pending" in answer.text


def test_unknown_pages_show_a_readable_404(portal: Portal) -> None:
    answer = portal.client.get("/no/such/page")
    assert answer.status_code == 404
    assert "页面不存在" in answer.text and "<html" in answer.text


def test_health_and_readiness(portal: Portal) -> None:
    assert portal.client.get("/healthz").json()["service"] == "portal"
    assert portal.client.get("/readyz").status_code == 200


def test_a_form_missing_a_field_shows_an_error_page(portal: Portal) -> None:
    answer = portal.client.post("/signin", data={"csrf_token": portal.csrf()})
    assert answer.status_code == 400
    assert "username" in answer.text and "<html" in answer.text
