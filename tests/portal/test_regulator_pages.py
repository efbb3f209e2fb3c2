"""The regulator's pages in-process: the ledger explorer and its filters and paging, an
entry with the proof section and the relayed audit API, a trade's timeline, checkpoints,
ruling a dispute, the trial balance; access refusal and CSRF."""

from __future__ import annotations

import re
from typing import Any

import pytest

from services.portal.pages import regulator_ledger
from services.portal.pages.regulator import fen_from_yuan
from services.portal.session import CSRF_FIELD
from tests.audit.emitters import Emitter
from tests.exchange.dispute_helpers import to_ledger, wire_audit
from tests.exchange.trading_helpers import PASSWORD, Market, bearer
from tests.portal.conftest import Portal

ORDER = "ord_timeline_0001"


@pytest.fixture
def market(portal: Portal) -> Market:
    return Market(portal.stack)


@pytest.fixture
def regulator(portal: Portal, market: Market) -> Portal:
    """The portal signed in as the regulator."""
    assert market.regulator
    assert portal.sign_in("regulator", PASSWORD).status_code == 303
    return portal


@pytest.fixture
def ledger(portal: Portal) -> Emitter:
    """Twelve entries: three about one order (two by subject, one naming it in its
    payload), the others about datasets."""
    emitter = Emitter(portal.stack)
    emitter.register()
    entries = [emitter.entry(n) for n in range(8)]
    entries.insert(2, emitter.entry(100, type="order.requested", subject=ORDER,
                                    payload={"order_id": ORDER, "amount_fen": 50_000,
                                             "buyer_org_id": "org_buyer_x"}))
    entries.insert(5, emitter.entry(101, type="grant.issued", subject="grt_1",
                                    payload={"order_id": ORDER, "grant_id": "grt_1"}))
    entries.insert(7, emitter.entry(102, type="order.paid", subject=ORDER,
                                    payload={"order_id": ORDER, "from": "accepted",
                                             "to": "paid"}))
    entries.append(emitter.entry(103, type="order.requested", subject="ord_other",
                                 payload={"order_id": "ord_other"}))
    assert emitter.append(*entries).status_code == 200
    return emitter


def seqs(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<a href="/regulator/ledger/(\d+)">#', html)]


def csrf_of(html: str) -> str:
    match = re.search(rf'name="{CSRF_FIELD}" value="([^"]+)"', html)
    assert match is not None
    return match.group(1)


def test_explorer_lists_entries_newest_first(regulator: Portal, ledger: Emitter) -> None:
    page = regulator.client.get("/regulator/ledger")
    assert page.status_code == 200
    assert seqs(page.text) == list(range(11, -1, -1))
    assert "账本浏览" in page.text and '<label for="party">单位或操作者</label>' in page.text
    assert regulator.client.get("/regulator", follow_redirects=False).headers["location"] \
        == "/regulator/ledger"


def test_explorer_filters_by_type_subject_and_party(regulator: Portal,
                                                    ledger: Emitter) -> None:
    by_type = regulator.client.get("/regulator/ledger", params={"type": "order.*"}).text
    assert seqs(by_type) == [11, 7, 2]
    by_subject = regulator.client.get("/regulator/ledger", params={"subject": ORDER}).text
    assert seqs(by_subject) == [7, 2]
    by_party = regulator.client.get("/regulator/ledger", params={"party": "org_buyer_x"}).text
    assert seqs(by_party) == [2]
    by_actor = regulator.client.get("/regulator/ledger",
                                    params={"party": "usr_test", "type": "grant.issued"}).text
    assert seqs(by_actor) == [5]
    none = regulator.client.get("/regulator/ledger", params={"type": "nothing.here"}).text
    assert "没有符合条件的记录" in none


def test_explorer_pages_back_through_windows(regulator: Portal, ledger: Emitter,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(regulator_ledger, "WINDOW", 3)
    monkeypatch.setattr("services.portal.pages.regulator.PAGE_SIZE", 5)
    first = regulator.client.get("/regulator/ledger").text
    assert seqs(first) == [11, 10, 9, 8, 7]
    older = re.search(r'href="(/regulator/ledger\?before=\d+)" rel="next"', first)
    assert older is not None
    second = regulator.client.get(older.group(1)).text
    assert seqs(second) == [6, 5, 4, 3, 2]
    assert "回到最新" in second
    monkeypatch.setattr(regulator_ledger, "WINDOWS_PER_PAGE", 1)
    stopped = regulator.client.get("/regulator/ledger", params={"subject": ORDER}).text
    assert seqs(stopped) == [] and "已检索到序号 9" in stopped


def test_entry_page_shows_the_record_and_loads_the_proof_script(regulator: Portal,
                                                                ledger: Emitter) -> None:
    page = regulator.client.get("/regulator/ledger/2")
    assert page.status_code == 200
    html = page.text
    assert "order.requested" in html and "org_buyer_x" in html
    assert f'href="/regulator/orders/{ORDER}/timeline"' in html
    assert 'src="/static/proof.js"' in html and 'data-seq="2"' in html
    assert 'id="proof-verdict"' in html and '"root_mismatch"' in html
    assert regulator.client.get("/static/proof.js").status_code == 200
    missing = regulator.client.get("/regulator/ledger/999")
    assert missing.status_code == 404 and "no entry 999" in missing.text


def test_the_relay_hands_on_the_audit_api(regulator: Portal, ledger: Emitter) -> None:
    audit = regulator.stack.audit
    entry = regulator.client.get("/regulator/relay/entries/2").json()
    assert entry["subject"] == ORDER and entry["record"]["payload"]["amount_fen"] == 50_000
    assert regulator.client.get("/regulator/relay/checkpoints/latest").status_code == 404
    token = regulator.client.cookies["dataex_session"].rsplit(".", 1)[0]
    signed = audit.post("/v1/checkpoints", headers=bearer(token)).json()
    latest = regulator.client.get("/regulator/relay/checkpoints/latest").json()
    assert latest == signed
    proof = regulator.client.get("/regulator/relay/proofs/inclusion",
                                 params={"seq": 2, "tree_size": latest["tree_size"]}).json()
    assert proof["leaf_hash"] == entry["leaf_hash"] and proof["root_hash"] == latest["root_hash"]
    keys = regulator.client.get("/regulator/relay/keys").json()
    assert {k["kid"] for k in keys["ledger"]} >= {latest["kid"]}
    beyond = regulator.client.get("/regulator/relay/proofs/inclusion",
                                  params={"seq": 50, "tree_size": 99})
    assert beyond.status_code == 422 and "beyond" in beyond.json()["detail"]


def test_timeline_gathers_the_orders_entries(regulator: Portal, ledger: Emitter) -> None:
    page = regulator.client.get(f"/regulator/orders/{ORDER}/timeline")
    assert page.status_code == 200
    assert [int(n) for n in re.findall(r"</code> #(\d+)</a>", page.text)] == [2, 5, 7]
    assert "¥500.00" in page.text and "accepted → paid" in page.text
    lookup = regulator.client.get("/regulator/timeline", params={"order": ORDER},
                                  follow_redirects=False)
    assert lookup.headers["location"] == f"/regulator/orders/{ORDER}/timeline"
    unknown = regulator.client.get("/regulator/orders/ord_none/timeline")
    assert unknown.status_code == 404 and "账本中没有该订单的记录" in unknown.text


def test_checkpoints_list_and_sign_now(regulator: Portal, ledger: Emitter) -> None:
    page = regulator.client.get("/regulator/checkpoints")
    assert "尚未签发检查点" in page.text
    signed = regulator.client.post("/regulator/checkpoints", data={
        CSRF_FIELD: csrf_of(page.text), "next": "/regulator/ledger/3"}, follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/regulator/ledger/3"
    listed = regulator.client.get("/regulator/checkpoints").text
    assert "<th scope=\"row\">12</th>" in listed
    elsewhere = regulator.client.post("/regulator/checkpoints", data={
        CSRF_FIELD: csrf_of(listed), "next": "https://evil.example/"}, follow_redirects=False)
    assert elsewhere.headers["location"] == "/regulator/checkpoints"


def _disputed(market: Market) -> dict[str, Any]:
    """A dispute citing the order's payment, answered by the provider."""
    wire_audit(market.stack)
    order = market.paid()
    to_ledger(market.stack)
    entries = market.exchange.get(f"/v1/orders/{order['id']}/ledger-entries",
                                  headers=bearer(market.buyer)).json()
    paid = next(e["ledger_seq"] for e in entries if e["type"] == "order.paid")
    opened = market.exchange.post("/v1/disputes", headers=bearer(market.buyer), json={
        "order_id": order["id"], "reason": "交付的数据缺少两个月份",
        "evidence": [{"ledger_seq": paid, "note": "付款记录"}]})
    assert opened.status_code == 201, opened.text
    answered = market.exchange.post(f"/v1/disputes/{opened.json()['id']}/answer",
                                    headers=bearer(market.provider),
                                    json={"statement": "数据按目录交付"})
    assert answered.status_code == 200, answered.text
    return dict(answered.json())


def test_disputes_list_and_a_partial_refund_ruling(regulator: Portal, market: Market) -> None:
    dispute = _disputed(market)
    listed = regulator.client.get("/regulator/disputes").text
    assert f'href="/regulator/disputes/{dispute["id"]}"' in listed
    assert "交付的数据缺少两个月份" in listed
    path = f"/regulator/disputes/{dispute['id']}"
    page = regulator.client.get(path).text
    paid = dispute["evidence"][0]["ledger_seq"]
    assert f'name="cited" value="{paid}"' in page and "付款记录" in page
    assert "数据按目录交付" in page and f'href="/disputes/{dispute["id"]}/case"' in page
    assert '<label for="reason">裁决理由</label>' in page
    uncited = regulator.client.post(f"{path}/rule", data={
        CSRF_FIELD: csrf_of(page), "outcome": "reject", "reason": "理由"})
    assert uncited.status_code == 422 and 'id="cited-error"' in uncited.text
    ruled = regulator.client.post(f"{path}/rule", data={
        CSRF_FIELD: csrf_of(page), "outcome": "refund_partial", "refund_yuan": "200.00",
        "reason": "缺失数据约占四成", "cited": str(paid)}, follow_redirects=False)
    assert ruled.status_code == 303 and ruled.headers["location"] == f"{path}?ruled=1"
    after = regulator.client.get(ruled.headers["location"]).text
    assert "裁决已提交" in after and "部分退款" in after and "¥200.00" in after
    assert "缺失数据约占四成" in after and "<form method=\"post\" action=\"" + path not in after
    assert dispute["id"] in regulator.client.get("/regulator/disputes?status=ruled").text


def test_ruling_form_errors_show_next_to_their_fields(regulator: Portal,
                                                      market: Market) -> None:
    dispute = _disputed(market)
    path = f"/regulator/disputes/{dispute['id']}"
    token = csrf_of(regulator.client.get(path).text)
    empty = regulator.client.post(f"{path}/rule", data={CSRF_FIELD: token})
    assert empty.status_code == 400
    assert 'id="outcome-error"' in empty.text and 'id="reason-error"' in empty.text
    too_fine = regulator.client.post(f"{path}/rule", data={
        CSRF_FIELD: token, "outcome": "refund_partial", "refund_yuan": "1.005",
        "reason": "理由"})
    assert too_fine.status_code == 400 and 'id="refund_yuan-error"' in too_fine.text
    assert 'value="1.005"' in too_fine.text
    too_much = regulator.client.post(f"{path}/rule", data={
        CSRF_FIELD: token, "outcome": "refund_partial", "refund_yuan": "99999",
        "reason": "理由", "cited": str(dispute["evidence"][0]["ledger_seq"])})
    assert too_much.status_code == 422
    assert re.search(r'id="refund_yuan-error"[^>]*>a partial refund needs', too_much.text)


def test_ruling_without_the_csrf_token_is_refused(regulator: Portal, market: Market) -> None:
    dispute = _disputed(market)
    path = f"/regulator/disputes/{dispute['id']}/rule"
    body = {"outcome": "reject", "reason": "证据不足"}
    refused = regulator.client.post(path, data=body)
    assert refused.status_code == 403 and "表单已过期或来源不明" in refused.text
    forged = regulator.client.post(path, data={**body, CSRF_FIELD: "0" * 64})
    assert forged.status_code == 403
    still_open = regulator.client.get(f"/regulator/disputes/{dispute['id']}").text
    assert "提交裁决" in still_open


def test_trial_balance(regulator: Portal, market: Market) -> None:
    market.paid()
    page = regulator.client.get("/regulator/trial-balance")
    assert page.status_code == 200
    assert "试算平衡表" in page.text and 'class="verdict valid"' in page.text
    assert "¥0.00" in page.text


def test_english(regulator: Portal, ledger: Emitter) -> None:
    page = regulator.client.get("/regulator/ledger", params={"lang": "en"}).text
    assert "<h1>Ledger explorer</h1>" in page and "Organisation or actor" in page
    entry = regulator.client.get("/regulator/ledger/0", params={"lang": "en"}).text
    assert "Inclusion proof (checked in your browser)" in entry
    assert '"separator": "; "' in entry and '"invalid": "invalid"' in entry


@pytest.mark.parametrize("path", ["/regulator/ledger", "/regulator/ledger/0",
                                  "/regulator/orders/ord_x/timeline", "/regulator/checkpoints",
                                  "/regulator/disputes", "/regulator/trial-balance",
                                  "/regulator/relay/keys"])
def test_a_buyer_gets_403_and_a_visitor_signs_in(portal: Portal, market: Market,
                                                 path: str) -> None:
    anonymous = portal.client.get(path, follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"].startswith("/signin?next=")
    assert market.buyer
    portal.sign_in("buyer", PASSWORD)
    refused = portal.client.get(path, follow_redirects=False)
    assert refused.status_code == 403 and "无权访问" in refused.text


def test_a_buyer_cannot_rule(portal: Portal, market: Market) -> None:
    dispute = _disputed(market)
    portal.sign_in("buyer", PASSWORD)
    token = csrf_of(portal.client.get("/me").text)
    refused = portal.client.post(f"/regulator/disputes/{dispute['id']}/rule", data={
        CSRF_FIELD: token, "outcome": "refund_full", "reason": "我方胜诉"})
    assert refused.status_code == 403


def test_fen_from_yuan_is_exact() -> None:
    assert fen_from_yuan("1234.56") == 123456
    assert fen_from_yuan(" 0.1 ") == 10
    assert fen_from_yuan("200") == 20000
    for bad in ("1.005", "-1", "abc", "NaN", "1e400", ""):
        with pytest.raises(ValueError):
            fen_from_yuan(bad)
