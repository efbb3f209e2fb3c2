"""Issue 18 item 2 on the portal: a conditional dataset's page shows its public quality
scores but not the column figures or sample rows, which need the right to the file."""

from __future__ import annotations

import re

from tests.portal.conftest import Portal


def test_conditional_dataset_page_hides_sample_and_column_figures(
        seeded_portal: Portal) -> None:
    html = seeded_portal.client.get("/search", params={"q": "企业信用"}).text
    match = re.search(r'href="(/datasets/[^"]+)"', html)
    assert match is not None
    page = seeded_portal.client.get(match.group(1))
    assert page.status_code == 200
    assert "杭州市企业信用评价信息" in page.text
    assert "<svg" in page.text and "规范性" in page.text  # the public scores stay
    assert "样例数据（已脱敏）" not in page.text
    assert "逐列质量指标与样例数据取自数据本身" in page.text


def test_open_dataset_page_still_shows_sample(seeded_portal: Portal) -> None:
    html = seeded_portal.client.get("/search", params={"q": "客流"}).text
    match = re.search(r'href="(/datasets/[^"]+)"', html)
    assert match is not None
    page = seeded_portal.client.get(match.group(1)).text
    assert "样例数据（已脱敏）" in page and "逐列质量指标与样例数据取自数据本身" not in page
