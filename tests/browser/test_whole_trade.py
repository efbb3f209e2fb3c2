"""A whole trade done only in the portal, by the people who make one: a provider and a
buyer apply for membership, the operator admits them; the provider lists a dataset
with an uploaded file, the operator lists it and certifies its asset, the provider
offers it; the operator records the buyer's deposit; the buyer orders, the provider
accepts, the buyer pays, downloads, confirms and checks the voucher; then the regulator
finds the trade in the ledger explorer and the browser's own proof says valid, and
invalid for a tampered leaf. No API is called by the test, only pages."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser.conftest import sign_in
from tests.e2e.processes import OPERATOR

pytestmark = pytest.mark.e2e

REGULATOR = ("regulator", "regulator-demo-2026")
PROVIDER = ("whole-provider", "provider-password-1", "钱塘数据服务有限公司",
            "91330100716105852F")
BUYER = ("whole-buyer", "buyer-password-12", "西湖智慧交通研究院有限公司",
         "91110108551385082Q")
TITLE = "钱塘区公共自行车站点借还量"
CSV = ("station,bikes,returned\n"
       + "".join(f"QT{n:03d},{n % 40},{(n * 7) % 40}\n" for n in range(500)))
TRADE = ["order.requested", "order.accepted", "order.paid", "grant.issued",
         "order.delivered", "order.settled"]


def apply(tab: Any, username: str, password: str, name: str, credit_code: str,
          role: str) -> None:
    """Fill in the membership application as an applicant would."""
    tab.goto("/join")
    tab.get_by_label("单位名称").fill(name)
    tab.get_by_label("统一社会信用代码").fill(credit_code)
    tab.get_by_label(role).check()
    tab.get_by_label("管理员用户名").fill(username)
    tab.get_by_label("管理员密码").fill(password)
    tab.get_by_role("button", name="提交申请").click()
    assert "申请已提交" in tab.get_by_role("status").inner_text()


def admit(operator: Any, name: str) -> None:
    """The operator approves a membership application from the desk."""
    operator.goto("/operator")
    operator.get_by_role("link", name=name).click()
    operator.get_by_role("button", name="批准", exact=True).click()
    operator.wait_for_url("**/operator?done=memberships.approved")


def test_a_whole_trade_in_the_portal_then_proved_in_the_browser(
        person: Any, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    provider, buyer, operator, regulator = person(), person(), person(), person()
    apply(provider, *PROVIDER, role="数据提供方")
    apply(buyer, *BUYER, role="数据需求方")
    sign_in(operator, *OPERATOR)
    admit(operator, PROVIDER[2])
    admit(operator, BUYER[2])

    # The provider lists a dataset with a file and sends it for review.
    sign_in(provider, PROVIDER[0], PROVIDER[1])
    provider.get_by_role("link", name="提供方控制台").click()
    provider.get_by_role("link", name="新建数据集").click()
    provider.get_by_label("中文标题").fill(TITLE)
    provider.get_by_label("中文说明").fill("各站点每日借车与还车数量。")
    provider.get_by_label("交通出行").check()
    provider.get_by_label("开放属性").select_option("conditional")
    provider.get_by_label("字段声明").fill(
        "station, string, required\nbikes, integer, required\nreturned, integer")
    provider.get_by_role("button", name="保存").click()
    provider.wait_for_url("**/provider/datasets/*")
    dataset_id = provider.url.rsplit("/", 1)[1]
    csv = tmp_path / "bikes.csv"
    csv.write_text(CSV, encoding="utf-8")
    provider.get_by_label("数据文件（CSV 或 JSON Lines）").set_input_files(str(csv))
    provider.get_by_role("button", name="上传", exact=True).click()
    provider.wait_for_url("**/files/*")
    expect(provider.get_by_role("heading", name="文件质量报告")).to_be_visible()
    provider.get_by_role("button", name="提交审核").click()
    provider.wait_for_url(f"**/provider/datasets/{dataset_id}")

    # The operator lists it; the provider registers it as an asset; the operator certifies.
    operator.goto("/operator")
    operator.get_by_role("link", name=TITLE).click()
    operator.get_by_role("button", name="批准上架").click()
    operator.wait_for_url("**/operator?done=listings.approved")
    provider.reload()
    provider.get_by_role("button", name="申请登记").click()
    provider.wait_for_url("**/provider/assets/*")
    asset_id = provider.url.rsplit("/", 1)[1]
    operator.goto(f"/operator/assets/{asset_id}")
    operator.get_by_role("button", name="批准登记并签发证书").click()
    operator.wait_for_url("**/operator?done=assets.approved")

    # The provider offers it for 800.00 yuan.
    provider.reload()
    provider.get_by_label("报价标题").fill("站点借还量 30 天使用许可")
    provider.get_by_label("价格（元）").fill("800")
    provider.get_by_role("button", name="发布", exact=True).click()
    provider.wait_for_url("**#offers")

    # The operator records the buyer's bank deposit of 1,000.00 yuan.
    operator.goto("/operator/deposits")
    operator.get_by_label("入金单位").select_option(label=f"{BUYER[2]} · {BUYER[3]}")
    operator.get_by_label("金额（元）").fill("1000")
    operator.get_by_role("button", name="记入余额").click()
    operator.wait_for_url("**/operator/deposits?*entry=*")

    # The buyer finds the dataset by searching, orders its offer and waits for acceptance.
    sign_in(buyer, BUYER[0], BUYER[1])
    buyer.goto("/")
    buyer.get_by_role("searchbox").fill("自行车")
    buyer.keyboard.press("Enter")
    buyer.get_by_role("link", name=TITLE).first.click()
    buyer.wait_for_url(f"**/datasets/{dataset_id}")
    buyer.get_by_role("link", name="订购").first.click()
    buyer.get_by_label("使用目的").fill("公共自行车调度研究")
    buyer.get_by_label("用途类别").select_option("research")
    buyer.get_by_label("我已阅读并接受上述合同条款").check()
    buyer.get_by_role("button", name="提交订单").click()
    buyer.wait_for_url(re.compile(r".*/orders/[^/?]+\?done=placed$"))
    order_id = buyer.url.split("/orders/")[1].split("?")[0]

    provider.goto("/provider")
    provider.get_by_role("button", name="接受订单").click()
    provider.wait_for_url("**/provider#orders")

    # The buyer pays from the balance, downloads through the grant, confirms, verifies.
    buyer.goto(f"/orders/{order_id}")
    assert buyer.locator("#balance").inner_text() == "¥1,000.00"
    buyer.get_by_role("button", name="确认支付 ¥800.00").click()
    buyer.wait_for_url("**done=paid")
    with buyer.expect_download() as download:
        buyer.get_by_role("link", name=re.compile("^下载")).first.click()
    saved = tmp_path / "bought.csv"
    download.value.save_as(saved)
    assert saved.read_text(encoding="utf-8") == CSV
    buyer.reload()
    buyer.get_by_role("button", name="确认收货").click()
    buyer.wait_for_url("**done=settled")
    buyer.get_by_role("link", name="查看并验证凭证").click()
    verdict = buyer.get_by_role("region", name="验证结果").get_by_role("status")
    assert "签名有效" in verdict.inner_text()

    # The regulator finds the trade in the ledger and checks a proof in the browser.
    sign_in(regulator, *REGULATOR)
    timeline = f"/regulator/orders/{order_id}/timeline"
    for _ in range(60):  # the relay delivers the last entries within a few seconds
        regulator.goto(timeline)
        if regulator.locator(".timeline .event code").all_inner_texts() == TRADE:
            break
        regulator.wait_for_timeout(500)
    assert regulator.locator(".timeline .event code").all_inner_texts() == TRADE
    regulator.goto(f"/regulator/ledger?subject={order_id}")
    expect(regulator.locator("table.entries tbody tr").first).to_contain_text("order.settled")
    regulator.goto(timeline)
    regulator.locator(".timeline .event a").last.click()
    regulator.wait_for_url("**/regulator/ledger/*")
    verdict = regulator.locator("#proof-verdict")
    expect(verdict).not_to_have_attribute("data-verdict", "pending", timeout=15_000)
    if verdict.get_attribute("data-verdict") == "uncovered":
        regulator.get_by_role("button", name="立即签发检查点").click()
        regulator.wait_for_load_state()
    expect(verdict).to_have_attribute("data-verdict", "valid", timeout=15_000)
    regulator.goto(regulator.url.split("?")[0] + "?tamper=1")
    expect(verdict).to_have_attribute("data-verdict", "invalid", timeout=15_000)
    expect(verdict).to_contain_text("根哈希不一致")
