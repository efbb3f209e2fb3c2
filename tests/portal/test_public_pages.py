"""Public pages: home, search, a dataset with its quality chart, open-data download."""

from __future__ import annotations

import re

from tests.portal.conftest import Portal


def test_home_shows_search_themes_and_newest_datasets(seeded_portal: Portal) -> None:
    page = seeded_portal.client.get("/")
    assert page.status_code == 200
    html = page.text
    assert '<label for="q">搜索数据集</label>' in html
    assert 'href="/search?theme=transport"' in html
    assert "杭州市公共交通客流量" in html
    assert "无条件开放" in html


def test_search_uses_the_catalog_query_semantics(seeded_portal: Portal) -> None:
    html = seeded_portal.client.get("/search", params={"q": "空气 质量"}).text
    assert "杭州市空气质量监测数据" in html
    assert "杭州市公共交通客流量" not in html
    none = seeded_portal.client.get("/search", params={"q": "没有这种数据"}).text
    assert "没有找到符合条件的数据集" in none


def test_search_filters_by_theme_and_open_type(seeded_portal: Portal) -> None:
    html = seeded_portal.client.get("/search", params={"theme": "environment"}).text
    assert "杭州市空气质量监测数据" in html
    assert "杭州市公共交通客流量" not in html
    assert '<option value="environment" selected' in html


def _first_dataset_link(portal: Portal, query: str) -> str:
    html = portal.client.get("/search", params={"q": query}).text
    match = re.search(r'href="(/datasets/[^"]+)"', html)
    assert match is not None
    return match.group(1)


def test_dataset_page_has_metadata_chart_sample_and_download(seeded_portal: Portal) -> None:
    path = _first_dataset_link(seeded_portal, "客流")
    page = seeded_portal.client.get(path)
    assert page.status_code == 200
    html = page.text
    assert "杭州市公共交通客流量" in html
    assert "Hangzhou public transport ridership" in html  # the other language, as a subtitle
    assert "<svg" in html and "规范性" in html and "可访问性" in html
    assert "样例数据（已脱敏）" in html
    assert f'href="{path}/dcat.jsonld"' in html
    download = re.search(r'href="(/datasets/[^"]+/download)"', html)
    assert download is not None
    content = seeded_portal.client.get(download.group(1))
    assert content.status_code == 200
    assert content.text.startswith("service_date,")
    assert "attachment" in content.headers["content-disposition"]
    dcat = seeded_portal.client.get(f"{path}/dcat.jsonld")
    assert dcat.status_code == 200 and "dcat" in dcat.text


def test_a_missing_dataset_shows_the_problem_detail(seeded_portal: Portal) -> None:
    page = seeded_portal.client.get("/datasets/ds_nosuch")
    assert page.status_code == 404
    assert "Traceback" not in page.text
    assert 'role="alert"' in page.text


def test_pages_carry_a_strict_content_security_policy(portal: Portal) -> None:
    csp = portal.client.get("/signin").headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
