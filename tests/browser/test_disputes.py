"""A dispute argued on evidence, in a real browser against real processes: after a paid
trade made over the APIs, the buyer opens a dispute on the order page citing ledger
entries, the provider answers on the dispute page with its own evidence, the regulator
rules citing the evidence and downloads the case file, which verifies offline with the
code ``dataex dispute verify`` runs; a tampered case file is refused."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.audit.verify.casefile import verify_case_file
from tests.browser.conftest import screenshot, sign_in
from tests.e2e.ledger_client import user_token, wait_for_entry
from tests.e2e.processes import ServiceProcesses
from tests.e2e.trading_client import PASSWORD, Party, TradingFloor

pytestmark = pytest.mark.e2e

REGULATOR = ("regulator", "regulator-demo-2026")  # the demo regulator the seed creates
PROVIDER, BUYER = "dispute-story-provider", "dispute-story-buyer"
PRICE = 30_000
SCHEMA = [{"name": "date", "type": "date", "required": True},
          {"name": "line", "type": "string"}, {"name": "riders", "type": "integer"}]
CSV = "date,line,riders\n2024-01-01,1号线,120345\n2024-01-02,1号线,118002\n".encode()


@dataclass
class Market:
    """A provider's offer and a buyer with money, traded over the APIs."""

    live: ServiceProcesses
    floor: TradingFloor
    provider: Party
    buyer: Party
    offer: dict[str, Any]

    def paid_order(self) -> dict[str, Any]:
        """A new order, accepted and paid, its entries in the ledger."""
        self.floor.deposit(self.buyer, PRICE)
        order = self.floor.order(self.buyer, self.offer["id"])
        self.floor.call("POST", "exchange", f"/v1/orders/{order['id']}/accept", self.provider)
        self.floor.pay(self.buyer, order["id"], f"dispute-story-pay-{order['id']}")
        wait_for_entry(self.live, user_token(self.live, *REGULATOR), "order.paid", order["id"])
        return order


@pytest.fixture(scope="module")
def market(live: ServiceProcesses) -> Market:
    """A provider with an offer on a listed dataset and a buyer, as the APIs make them."""
    floor = TradingFloor(live)
    provider = floor.member(name="争议测试数据提供方", credit_code="91330100716105852F",
                            roles=["provider"], username=PROVIDER)
    buyer = floor.member(name="争议测试数据需求方", credit_code="91110108551385082Q",
                         roles=["buyer"], username=BUYER)
    offer = floor.offered(provider, csv=CSV, schema=SCHEMA, price_fen=PRICE)
    return Market(live, floor, provider, buyer, offer)


def run_verify(case_file: Path, keys: Path) -> subprocess.CompletedProcess[str]:
    """``dataex dispute verify CASE --keys KEYS``."""
    return subprocess.run([sys.executable, "-m", "services.cli.main", "dispute", "verify",
                           str(case_file), "--keys", str(keys)],
                          capture_output=True, text=True, timeout=60)


def test_a_dispute_is_argued_on_evidence_and_the_case_file_verifies_offline(
        person: Any, live: ServiceProcesses, market: Market, tmp_path: Path) -> None:
    from playwright.sync_api import expect

    order_id = market.paid_order()["id"]
    buyer = person()
    sign_in(buyer, BUYER, PASSWORD)
    buyer.goto(f"/orders/{order_id}")
    buyer.get_by_label("争议陈述").fill("数据缺少两个月份")
    buyer.get_by_label("order.paid").check()
    screenshot(buyer, "dispute-open")
    buyer.get_by_role("button", name="提交争议").click()
    buyer.wait_for_url(f"**/orders/{order_id}?done=disputed")
    buyer.get_by_role("link", name="查看争议与答辩").click()
    buyer.wait_for_url("**/disputes/dsp_*")
    dispute_id = buyer.url.rsplit("/", 1)[-1]
    expect(buyer.locator(".evidence")).to_contain_text("order.paid")
    assert buyer.locator(f'form[action="/disputes/{dispute_id}/answer"]').count() == 0

    provider = person()
    sign_in(provider, PROVIDER, PASSWORD)
    provider.goto("/provider")
    provider.locator(f'a[href="/provider/orders/{order_id}"]').click()
    provider.wait_for_url(f"**/provider/orders/{order_id}")
    provider.get_by_role("link", name="查看争议与答辩").click()
    provider.wait_for_url(f"**/disputes/{dispute_id}")
    expect(provider.locator("p.statement").first).to_have_text("数据缺少两个月份")
    provider.get_by_label("答辩陈述").fill("已按目录交付")
    provider.get_by_label("order.accepted").check()
    provider.get_by_role("button", name="提交答辩").click()
    provider.wait_for_url(f"**/disputes/{dispute_id}?answered=1")
    expect(provider.get_by_role("status")).to_contain_text("答辩已提交")
    screenshot(provider, "dispute-answered")

    regulator = person()
    sign_in(regulator, *REGULATOR)
    regulator.goto("/regulator/disputes?status=open")
    regulator.locator(f'a[href="/regulator/disputes/{dispute_id}"]').click()
    regulator.wait_for_url(f"**/regulator/disputes/{dispute_id}")
    regulator.get_by_label("驳回").check()
    regulator.get_by_label("裁决理由").fill("证据不足：付款与接受记录表明按合同交付")
    regulator.get_by_label("order.paid").check()
    regulator.get_by_label("order.accepted").check()
    regulator.get_by_role("button", name="提交裁决").click()
    regulator.wait_for_url(f"**/regulator/disputes/{dispute_id}?ruled=1")
    expect(regulator.locator("main")).to_contain_text("驳回")
    screenshot(regulator, "dispute-ruled")
    with regulator.expect_download() as downloading:
        regulator.get_by_role("link", name="下载案卷（含包含证明）").click()
    case_path = tmp_path / "case.json"
    downloading.value.save_as(case_path)

    case = json.loads(case_path.read_text(encoding="utf-8"))
    assert case["dispute"]["status"] == "ruled" and case["order_id"] == order_id
    cited = [(e["ledger_seq"], e["type"], e["cited_by"]) for e in case["evidence"]]
    assert [c[1:] for c in cited] == [("order.paid", "buyer"), ("order.accepted", "provider")]
    assert sorted(case["dispute"]["cited_evidence"]) == sorted(seq for seq, *_ in cited)
    keys_path = tmp_path / "ledger-keys.json"
    keys_path.write_text(httpx.get(f"{live.url('audit')}/v1/keys", timeout=30).text,
                         encoding="utf-8")
    keys = json.loads(keys_path.read_text(encoding="utf-8"))
    report = verify_case_file(case, keys)
    assert report.ok, report.problems
    verified = run_verify(case_path, keys_path)
    assert verified.returncode == 0 and "VALID" in verified.stdout, verified.stdout

    tampered = copy.deepcopy(case)
    tampered["evidence"][0]["entry"]["record"]["subject"] = "ord_someone_else"
    assert not verify_case_file(tampered, keys).ok
    tampered_path = tmp_path / "tampered.json"
    tampered_path.write_text(json.dumps(tampered, ensure_ascii=False), encoding="utf-8")
    refused = run_verify(tampered_path, keys_path)
    assert refused.returncode == 1 and "FAILED" in refused.stdout, refused.stdout


def test_the_provider_opens_a_dispute_from_its_console_on_a_phone(
        person: Any, market: Market) -> None:
    from playwright.sync_api import expect

    order_id = market.paid_order()["id"]
    provider = person()
    provider.set_viewport_size({"width": 375, "height": 800})
    sign_in(provider, PROVIDER, PASSWORD)
    provider.goto("/provider")
    provider.locator(f'a[href="/provider/orders/{order_id}"]').click()
    provider.wait_for_url(f"**/provider/orders/{order_id}")
    provider.get_by_role("button", name="提交争议").click()
    expect(provider.locator("#statement-error")).to_be_visible()
    provider.get_by_label("争议陈述").fill("需求方超出约定用途使用")
    provider.get_by_label("order.accepted").check()
    provider.get_by_role("button", name="提交争议").click()
    provider.wait_for_url(f"**/provider/orders/{order_id}?done=disputed")
    expect(provider.get_by_role("status")).to_contain_text("争议已提交")
    assert provider.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(provider, "dispute-provider-open")
    provider.get_by_role("link", name="查看争议与答辩").click()
    provider.wait_for_url("**/disputes/dsp_*")
    expect(provider.locator(".evidence").first).to_contain_text("order.accepted")

    buyer = person()
    sign_in(buyer, BUYER, PASSWORD)
    buyer.goto(provider.url.removeprefix(market.live.url("portal")))
    expect(buyer.locator("p.statement").first).to_have_text("需求方超出约定用途使用")
    buyer.get_by_label("答辩陈述").fill("按约定用途使用")
    buyer.get_by_role("button", name="提交答辩").click()
    expect(buyer.get_by_role("status")).to_contain_text("答辩已提交")
