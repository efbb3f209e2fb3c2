"""In the browser: the operator, whose account needs a second factor, is sent to /me/mfa
on first sign-in, enrols an authenticator (the secret read off the page, the code
computed as an app would), keeps the recovery codes, signs in with a code, and
suspends and reinstates the demo buyer."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest

from tests.browser.conftest import screenshot
from tests.e2e.processes import OPERATOR, ServiceProcesses


@pytest.fixture(scope="module")
def mfa_live(live: ServiceProcesses) -> ServiceProcesses:
    """The live stack with the exchange requiring a second factor of operators and
    regulators, as ``make run`` does."""
    live.stop("exchange")
    live.start("exchange", extra_env={"DATAEX_EXCHANGE_MFA_REQUIRED_ROLES":
                                      "operator,regulator"})
    live.wait_ready("exchange")
    return live


def test_the_operator_enrols_and_signs_in_with_a_computed_code(
        mfa_live: ServiceProcesses, page: Any) -> None:
    page.goto("/signin")
    page.get_by_label("用户名").fill(OPERATOR[0])
    page.get_by_label("密码").fill(OPERATOR[1])
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/me/mfa")
    assert "必须启用两步验证" in page.locator("#mfa-state").inner_text()
    page.get_by_role("button", name="开始设置").click()
    secret = page.locator("#totp-secret").inner_text().strip()
    assert page.locator("#otpauth-link").get_attribute("href").startswith("otpauth://totp/")
    totp = pyotp.TOTP(secret)
    page.get_by_label("动态验证码").fill(totp.now())
    page.get_by_role("button", name="确认启用").click()
    codes = page.locator("#recovery-codes li")
    assert codes.count() == 10
    screenshot(page, "mfa-recovery-codes")
    page.get_by_role("link", name="现在登录").click()
    page.wait_for_url("**/signin")
    page.get_by_label("用户名").fill(OPERATOR[0])
    page.get_by_label("密码").fill(OPERATOR[1])
    page.get_by_role("button", name="登录").click()
    assert page.locator("#totp_code-error").is_visible()  # the code is required now
    page.get_by_label("密码").fill(OPERATOR[1])
    page.get_by_label("动态验证码").fill(totp.at(time.time() + 30))
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/me")
    page.goto("/operator/organizations?status=active")
    row = page.get_by_role("row").filter(has_text="杭州云图数据科技有限公司")
    row.get_by_role("link", name="暂停").click()
    page.get_by_label("理由（账本记录其摘要）").fill("涉嫌违规交易")
    page.get_by_role("button", name="暂停").click()
    assert "单位已暂停" in page.locator(".notice").inner_text()
    assert page.locator("#org-status").inner_text() == "已暂停"
    screenshot(page, "operator-suspension")
    page.get_by_label("理由（账本记录其摘要）").fill("整改完成")
    page.get_by_role("button", name="恢复").click()
    assert page.locator("#org-status").inner_text() == "已生效"
