"""Issue 18 item 2 in a real browser: an anonymous visitor of a conditional dataset sees
its quality scores and why the sample is not shown, at phone width too."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.e2e


def test_conditional_dataset_shows_scores_but_no_sample(page: Any) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/search?q=企业信用")
    page.get_by_role("link", name="杭州市企业信用评价信息").click()
    page.wait_for_url("**/datasets/*")
    assert page.get_by_role("img", name="六个质量维度得分（满分100）").is_visible()
    assert page.get_by_text("逐列质量指标与样例数据取自数据本身").is_visible()
    assert page.get_by_role("heading", name="样例数据（已脱敏）").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "dataset-conditional")
