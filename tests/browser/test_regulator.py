"""The regulator's story in a real browser: after a trade made over the APIs, the
regulator finds it in the ledger explorer, opens its timeline and an entry, and the
browser's own proof check says valid; given a tampered entry it says invalid."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot, sign_in
from tests.e2e.ledger_client import user_token, wait_for_entry
from tests.e2e.processes import ServiceProcesses
from tests.e2e.trading_client import TradingFloor

pytestmark = pytest.mark.e2e

REGULATOR = ("regulator", "regulator-demo-2026")  # the demo regulator the seed creates
PRICE = 50_000
SCHEMA = [{"name": "date", "type": "date", "required": True},
          {"name": "line", "type": "string"}, {"name": "riders", "type": "integer"}]
CSV = "date,line,riders\n2024-01-01,1号线,120345\n2024-01-02,1号线,118002\n".encode()
TRADE_TYPES = ["order.requested", "order.accepted", "order.paid", "grant.issued",
               "order.delivered", "order.settled"]


@pytest.fixture(scope="module")
def settled_order(live: ServiceProcesses) -> dict[str, Any]:
    """A whole trade over the APIs, settled, with every entry of it in the ledger."""
    floor = TradingFloor(live)
    provider = floor.member(name="监管测试数据提供方", credit_code="91330100716105852F",
                            roles=["provider"], username="reg-story-provider")
    buyer = floor.member(name="监管测试数据需求方", credit_code="91110108551385082Q",
                         roles=["buyer"], username="reg-story-buyer")
    offer = floor.offered(provider, csv=CSV, schema=SCHEMA, price_fen=PRICE)
    floor.deposit(buyer, PRICE)
    order = floor.order(buyer, offer["id"])
    floor.call("POST", "exchange", f"/v1/orders/{order['id']}/accept", provider)
    floor.pay(buyer, order["id"], "regulator-story-pay")
    floor.call("GET", "exchange", f"/v1/orders/{order['id']}/grant", buyer)
    floor.call("POST", "exchange", f"/v1/orders/{order['id']}/confirm", buyer)
    wait_for_entry(live, user_token(live, *REGULATOR), "order.settled", order["id"])
    return order


def test_the_regulator_finds_the_trade_and_the_proof_is_valid(
        page: Any, settled_order: dict[str, Any]) -> None:
    from playwright.sync_api import expect

    order_id = settled_order["id"]
    sign_in(page, *REGULATOR)
    page.get_by_role("link", name="监管").click()
    page.wait_for_url("**/regulator/ledger")
    assert page.locator("h1").inner_text() == "账本浏览"
    assert page.locator("table.entries tbody tr").count() == 25
    page.get_by_label("事件类型").fill("order.*")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/regulator/ledger?type=order.*")
    newest = page.locator("table.entries tbody tr").first
    expect(newest).to_contain_text("order.settled")
    expect(newest).to_contain_text(order_id)
    screenshot(page, "ledger-explorer")

    page.get_by_label("订单编号", exact=True).fill(order_id)
    page.get_by_role("button", name="查看").click()
    page.wait_for_url(f"**/regulator/orders/{order_id}/timeline")
    events = page.locator(".timeline .event code").all_inner_texts()
    assert events == TRADE_TYPES

    page.locator(".timeline .event a").last.click()
    page.wait_for_url("**/regulator/ledger/*")
    verdict = page.locator("#proof-verdict")
    expect(verdict).not_to_have_attribute("data-verdict", "pending", timeout=15_000)
    if verdict.get_attribute("data-verdict") == "uncovered":
        page.get_by_role("button", name="立即签发检查点").click()
        page.wait_for_load_state()
    expect(verdict).to_have_attribute("data-verdict", "valid", timeout=15_000)
    expect(verdict).to_contain_text("有效")
    assert page.locator("#proof-steps li.ok").count() == 3
    leaf = page.locator("#proof-leaf").inner_text()
    assert leaf in page.locator(".hashes").first.inner_text()  # the audit's leaf hash, recomputed
    screenshot(page, "proof-valid")

    page.goto(page.url + "?tamper=1")
    expect(verdict).to_have_attribute("data-verdict", "invalid", timeout=15_000)
    expect(verdict).to_contain_text("无效")
    expect(verdict).to_contain_text("根哈希不一致")
    expect(verdict).to_contain_text("来源服务对事件记录的签名无效")
    assert page.locator("#proof-steps li.failed").count() == 2
    assert page.locator("#proof-leaf").inner_text() != leaf


def test_the_explorer_and_the_trial_balance_fit_a_phone(page: Any,
                                                    settled_order: dict[str, Any]) -> None:
    page.set_viewport_size({"width": 375, "height": 800})
    sign_in(page, *REGULATOR)
    page.goto(f"/regulator/ledger?subject={settled_order['id']}")
    assert page.locator("table.entries tbody tr").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.goto("/regulator/trial-balance")
    assert page.get_by_role("status").inner_text() == "平衡"
    assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_the_browser_walks_audit_paths_as_the_ledger_builds_them(page: Any) -> None:
    """proof.js against services/audit/ledger/merkle.py, for every leaf of trees of 1 to
    33 leaves (odd right edges included), and a path one hash short refused."""
    from services.audit.ledger.merkle import (
        Frontier,
        MemoryNodeStore,
        inclusion_proof,
        leaf_hash,
        root_at,
    )

    leaves = [leaf_hash(f"entry {n}".encode()) for n in range(33)]
    store = MemoryNodeStore(Frontier().append(leaves).nodes)
    cases = [{"leaf": leaves[i].hex(), "index": i, "size": size,
              "path": [h.hex() for h in inclusion_proof(store, i, size)],
              "root": root_at(store, size).hex()}
             for size in range(1, 34) for i in range(size)]
    page.goto("/signin")
    results = page.evaluate("""async (cases) => {
      const proof = await import("/static/proof.js");
      const out = [];
      for (const c of cases) {
        const root = await proof.rootFromAuditPath(proof.hexToBytes(c.leaf), c.index, c.size,
                                                   c.path.map(proof.hexToBytes));
        out.push(root === null ? null : proof.bytesToHex(root));
      }
      const c = cases[cases.length - 1];
      const short = await proof.rootFromAuditPath(proof.hexToBytes(c.leaf), c.index, c.size,
                                                  c.path.slice(1).map(proof.hexToBytes));
      return {roots: out, short};
    }""", cases)
    assert results["roots"] == [c["root"] for c in cases]
    assert results["short"] is None


def test_the_browser_writes_canonical_json_as_the_ledger_does(page: Any) -> None:
    from services.shared.canonical import canonical_json

    value = {"z": [1, -2, 9007199254740991, True, None], "a": "杭州 \"引号\" \\ \n\t\u0001\u007f😀",
             "é": {"b": "", "B": 0}, "10": "x", "2": "y", "payload": {"amount_fen": 50_000}}
    page.goto("/signin")
    written = page.evaluate("""async (value) => {
      const proof = await import("/static/proof.js");
      return proof.canonicalJson(value);
    }""", value)
    assert written.encode() == canonical_json(value)
