"""Organisation users in a real browser: the provider's admin invites a member, the
member signs in with the first password and changes it, the admin disables them, and
the member's next page load sends them to sign in."""

from __future__ import annotations

from typing import Any

import pytest

from services.cli.demo import DEMO_ACCOUNTS
from tests.browser.conftest import screenshot, sign_in
from tests.e2e.processes import ServiceProcesses

pytestmark = pytest.mark.e2e

PROVIDER = next(a for a in DEMO_ACCOUNTS if "provider" in a.roles)


def test_admin_invites_member_who_changes_password_then_is_disabled(
    page: Any, browser: Any, live: ServiceProcesses
) -> None:
    sign_in(page, PROVIDER.username, PROVIDER.password)
    page.get_by_role("link", name="单位用户").click()
    page.wait_for_url("**/me/users")
    page.get_by_label("用户名").fill("hz-analyst")
    page.get_by_label("角色", exact=True).select_option("member")
    page.get_by_role("button", name="邀请", exact=True).click()
    first_password = page.locator("#initial-password").inner_text()
    assert len(first_password) >= 16
    screenshot(page, "org-users")

    member_context = browser.new_context(base_url=live.url("portal"), locale="zh-CN",
                                         viewport={"width": 375, "height": 800})
    member = member_context.new_page()
    try:
        sign_in(member, "hz-analyst", first_password)
        assert member.get_by_role("link", name="单位用户").count() == 0
        member.get_by_role("link", name="修改密码").click()
        member.wait_for_url("**/me/password")
        member.get_by_label("当前密码").fill(first_password)
        member.get_by_label("新密码", exact=True).fill("analyst-new-2026")
        member.get_by_label("再次输入新密码").fill("analyst-new-2026")
        member.get_by_role("button", name="修改密码").click()
        member.wait_for_url("**/me/password?done=1")
        assert member.get_by_role("status").inner_text() == "密码已修改。"

        page.reload()
        row = page.locator('tr[data-username="hz-analyst"]')
        row.get_by_role("button", name="停用").click()
        page.wait_for_url("**/me/users")
        assert "已停用" in page.locator('tr[data-username="hz-analyst"]').inner_text()

        member.goto("/me")
        member.wait_for_url("**/signin**")
        assert member.get_by_role("button", name="登录").is_visible()
        member.get_by_label("用户名").fill("hz-analyst")
        member.get_by_label("密码").fill("analyst-new-2026")
        member.get_by_role("button", name="登录").click()
        assert "/signin" in member.url  # a disabled user cannot sign in again
    finally:
        member_context.close()
