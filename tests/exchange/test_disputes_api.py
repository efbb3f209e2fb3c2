"""Disputes over HTTP: who may open, answer and rule; evidence checked against the
ledger; the answer deadline; rulings citing evidence; money and grants following each
ruling; the case file verified offline."""

from __future__ import annotations

import copy
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import text

from services.audit.verify.casefile import verify_case_file
from services.shared.orm import utcnow
from tests.exchange.dispute_helpers import DisputeMarket, to_ledger
from tests.exchange.trading_helpers import bearer
from tests.stack import Stack


@pytest.fixture
def market(stack: Stack) -> DisputeMarket:
    return DisputeMarket(stack)


def grant_status(market: DisputeMarket, order: dict[str, Any]) -> str:
    grant = market.exchange.get(f"/v1/orders/{order['id']}/grant", headers=bearer(market.buyer))
    assert grant.status_code in (200, 409), grant.text
    status = market.exchange.get(f"/v1/grants/{_grant_id(market, order)}",
                                 headers=bearer(market.service_token()))
    return str(status.json()["status"])


def _grant_id(market: DisputeMarket, order: dict[str, Any]) -> str:
    [event] = [e for e in market.events("grant.issued")
               if e["payload"]["order_id"] == order["id"]]
    return str(event["payload"]["grant_id"])


def order_status(market: DisputeMarket, order: dict[str, Any]) -> str:
    got = market.exchange.get(f"/v1/orders/{order['id']}", headers=bearer(market.buyer))
    return str(got.json()["status"])


def pass_answer_deadline(market: DisputeMarket, dispute: dict[str, Any]) -> None:
    db = market.exchange.app.state.db  # type: ignore[attr-defined]
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE disputes SET answer_due_at = :due WHERE id = :id"),
                     {"due": utcnow() - timedelta(minutes=1), "id": dispute["id"]})


class TestOpening:
    def test_either_party_opens_one_and_settlement_freezes(self, market: DisputeMarket) -> None:
        order = market.paid()
        paid_seq = market.seq_of(order, "order.paid")
        assert market.open(order, None).status_code == 401
        assert market.open(order, market.other_buyer).status_code == 404
        assert market.open(order, market.regulator).status_code == 403
        opened = market.open(order, market.buyer,
                             evidence=[{"ledger_seq": paid_seq, "note": "付款记录"}])
        assert opened.status_code == 201, opened.text
        dispute = opened.json()
        assert (dispute["status"], dispute["opened_by_role"]) == ("open", "buyer")
        [item] = dispute["evidence"]
        assert (item["ledger_seq"], item["type"], item["cited_by"]) == (paid_seq, "order.paid",
                                                                        "buyer")
        assert dispute["answer_due_at"] is not None
        assert market.act(order, "confirm", market.buyer).status_code == 409
        assert market.sweep(utcnow() + timedelta(days=30)).settled_orders == 0
        assert market.open(order, market.provider).status_code == 409
        [event] = market.events("order.disputed")
        assert event["payload"]["dispute_id"] == dispute["id"]
        [cited] = event["payload"]["evidence"]
        assert cited["ledger_seq"] == paid_seq and cited["entry_hash"] == item["entry_hash"]
        assert "note" not in cited and len(cited["note_sha256"]) == 64
        for token in (market.buyer, market.provider, market.regulator):
            seen = market.exchange.get(f"/v1/disputes/{dispute['id']}", headers=bearer(token))
            assert seen.status_code == 200
        assert market.exchange.get(f"/v1/disputes/{dispute['id']}",
                                   headers=bearer(market.other_buyer)).status_code == 404
        listed = market.exchange.get("/v1/disputes", headers=bearer(market.provider)).json()
        assert [d["id"] for d in listed] == [dispute["id"]]
        assert market.exchange.get("/v1/disputes",
                                   headers=bearer(market.other_buyer)).json() == []

    def test_only_paid_orders_within_the_window(self, market: DisputeMarket) -> None:
        requested = market.order()
        assert market.open(requested, market.buyer).status_code == 409
        settled = market.paid()
        market.act(settled, "confirm", market.buyer)
        assert market.open(settled, market.buyer).status_code == 409

    def test_evidence_must_name_a_ledger_entry(self, market: DisputeMarket) -> None:
        order = market.paid()
        response = market.open(order, market.buyer, evidence=[{"note": "见附件"}])
        assert response.status_code == 422


class TestEvidence:
    def test_an_entry_of_another_order_is_refused_and_nothing_changes(
        self, market: DisputeMarket
    ) -> None:
        mine, other = market.paid(), market.paid()
        foreign = market.seq_of(other, "order.paid")
        refused = market.open(mine, market.buyer, evidence=[{"ledger_seq": foreign}])
        assert refused.status_code == 422
        problem = refused.json()
        assert problem["type"].endswith("evidence-not-of-order")
        assert f"ledger entry {foreign}" in problem["detail"]
        assert f"does not belong to order {mine['id']}" in problem["detail"]
        assert order_status(market, mine) == "paid"
        assert market.events("order.disputed") == []

    def test_a_missing_entry_is_refused(self, market: DisputeMarket) -> None:
        order = market.paid()
        to_ledger(market.stack)
        for item in ({"ledger_seq": 99_999}, {"event_id": "evt_" + "0" * 32}):
            refused = market.open(order, market.buyer, evidence=[item])
            assert refused.status_code == 422, refused.text
            assert refused.json()["type"].endswith("evidence-not-found")
        assert order_status(market, order) == "paid"

    def test_cited_by_event_id_and_checked_for_consistency(self, market: DisputeMarket) -> None:
        order = market.paid()
        [entry] = [e for e in market.entries(order) if e["type"] == "grant.issued"]
        paid_seq = market.seq_of(order, "order.paid")
        mismatch = market.open(order, market.buyer, evidence=[
            {"ledger_seq": paid_seq, "event_id": entry["event_id"]}])
        assert mismatch.status_code == 422
        assert mismatch.json()["type"].endswith("evidence-mismatch")
        repeated = market.open(order, market.buyer, evidence=[
            {"ledger_seq": paid_seq}, {"ledger_seq": paid_seq}])
        assert repeated.status_code == 422
        opened = market.open(order, market.buyer, evidence=[{"event_id": entry["event_id"]}])
        assert opened.status_code == 201, opened.text
        assert opened.json()["evidence"][0]["ledger_seq"] == entry["ledger_seq"]

    def test_the_orders_entries_are_listed_for_its_parties_only(
        self, market: DisputeMarket
    ) -> None:
        order = market.paid()
        types = [e["type"] for e in market.entries(order)]
        assert {"order.requested", "order.accepted", "order.paid", "grant.issued"} <= set(types)
        for token in (market.provider, market.regulator):
            got = market.exchange.get(f"/v1/orders/{order['id']}/ledger-entries",
                                      headers=bearer(token))
            assert got.status_code == 200
        assert market.exchange.get(f"/v1/orders/{order['id']}/ledger-entries",
                                   headers=bearer(market.other_buyer)).status_code == 404


class TestAnswer:
    def test_the_respondent_answers_once_with_evidence(self, market: DisputeMarket) -> None:
        order = market.paid()
        dispute = market.open(order, market.buyer).json()
        accepted = market.seq_of(order, "order.accepted")
        assert market.answer(dispute, None).status_code == 401
        assert market.answer(dispute, market.buyer).status_code == 403
        assert market.answer(dispute, market.regulator).status_code == 403
        assert market.answer(dispute, market.other_buyer).status_code == 404
        assert market.answer(dispute, market.provider, statement="").status_code == 422
        other = market.paid()
        foreign = market.answer(dispute, market.provider,
                                evidence=[{"ledger_seq": market.seq_of(other, "order.paid")}])
        assert foreign.status_code == 422
        answered = market.answer(dispute, market.provider,
                                 evidence=[{"ledger_seq": accepted, "note": "已接受"}])
        assert answered.status_code == 200, answered.text
        body = answered.json()
        assert body["answer"] == "已按合同交付，下载记录为证"
        assert body["answer_evidence"][0]["cited_by"] == "provider"
        assert market.answer(dispute, market.provider).status_code == 409
        [event] = market.events("dispute.answered")
        assert (event["subject"], event["payload"]["answered_by_role"]) == (order["id"],
                                                                            "provider")
        assert "statement" not in event["payload"]
        assert event["payload"]["evidence"][0]["ledger_seq"] == accepted

    def test_after_the_deadline_the_case_goes_to_ruling_without_it(
        self, market: DisputeMarket
    ) -> None:
        order = market.paid()
        dispute = market.open(order, market.provider).json()
        early = market.rule(dispute, market.regulator, outcome="reject")
        assert early.status_code == 409
        assert early.json()["type"].endswith("awaiting-answer")
        pass_answer_deadline(market, dispute)
        late = market.answer(dispute, market.buyer)
        assert late.status_code == 409
        assert late.json()["type"].endswith("answer-deadline-passed")
        ruled = market.rule(dispute, market.regulator, outcome="reject")
        assert ruled.status_code == 200, ruled.text
        assert ruled.json()["answer"] is None


class TestRuling:
    def test_the_ruling_cites_the_evidence(self, market: DisputeMarket) -> None:
        order = market.paid()
        paid, accepted = (market.seq_of(order, t) for t in ("order.paid", "order.accepted"))
        dispute = market.open(order, market.buyer, evidence=[{"ledger_seq": paid}]).json()
        market.answer(dispute, market.provider, evidence=[{"ledger_seq": accepted}])
        uncited = market.rule(dispute, market.regulator, outcome="reject")
        assert uncited.status_code == 422
        assert uncited.json()["type"].endswith("citation-required")
        unknown = market.rule(dispute, market.regulator, outcome="reject",
                              cited_evidence=[paid, 0])
        assert unknown.status_code == 422
        assert "not evidence in this case" in unknown.json()["detail"]
        assert order_status(market, order) == "disputed"
        ruled = market.rule(dispute, market.regulator, outcome="reject", reason="证据不足",
                            cited_evidence=[accepted, paid])
        assert ruled.status_code == 200, ruled.text
        assert ruled.json()["cited_evidence"] == sorted([paid, accepted])
        [event] = market.events("order.settled")
        assert event["payload"]["cited_evidence"] == sorted([paid, accepted])

    def test_a_partial_refund_splits_the_escrow(self, market: DisputeMarket) -> None:
        order = market.paid()
        dispute = market.answered(order, market.buyer, market.provider)
        body = {"outcome": "refund_partial", "refund_fen": 20_000, "reason": "部分字段缺失"}
        assert market.rule(dispute, market.buyer, **body).status_code == 403
        assert market.rule(dispute, market.operator, **body).status_code == 403
        ruled = market.rule(dispute, market.regulator, **body)
        assert ruled.status_code == 200
        assert (ruled.json()["status"], ruled.json()["refund_fen"]) == ("ruled", 20_000)
        after = market.exchange.get(f"/v1/orders/{order['id']}",
                                    headers=bearer(market.buyer)).json()
        # 30,000 kept: fee 3% = 900, provider 29,100
        assert (after["status"], after["refunded_fen"], after["fee_fen"],
                after["provider_net_fen"]) == ("settled", 20_000, 900, 29_100)
        assert market.balances(market.buyer) == (20_000, 0)
        assert market.balances(market.provider) == (29_100, 0)
        assert grant_status(market, order) == "active"
        voucher = market.exchange.get(f"/v1/orders/{order['id']}/voucher",
                                      headers=bearer(market.buyer)).json()
        assert voucher["refunded_fen"] == 20_000
        assert market.rule(dispute, market.regulator, **body).status_code == 409
        assert market.answer(dispute, market.provider).status_code == 409

    def test_a_full_refund_returns_everything_and_revokes_the_grant(
        self, market: DisputeMarket
    ) -> None:
        order = market.paid()
        assert grant_status(market, order) == "active"
        dispute = market.answered(order, market.provider, market.buyer)
        ruled = market.rule(dispute, market.regulator, outcome="refund_full", reason="未交付")
        assert ruled.status_code == 200
        after = market.exchange.get(f"/v1/orders/{order['id']}",
                                    headers=bearer(market.buyer)).json()
        assert (after["status"], after["refunded_fen"], after["fee_fen"]) == ("refunded",
                                                                              50_000, 0)
        assert market.balances(market.buyer) == (50_000, 0)
        assert market.balances(market.provider) == (0, 0)
        assert grant_status(market, order) == "revoked"
        token = market.exchange.get(f"/v1/orders/{order['id']}/grant",
                                    headers=bearer(market.buyer))
        assert token.status_code == 409
        assert [e["type"] for e in market.events("grant.revoked")] == ["grant.revoked"]

    def test_a_rejected_dispute_settles_in_full(self, market: DisputeMarket) -> None:
        order = market.paid()
        dispute = market.answered(order, market.buyer, market.provider)
        market.rule(dispute, market.regulator, outcome="reject", reason="证据不足")
        assert market.balances(market.provider) == (48_500, 0)

    @pytest.mark.parametrize("body", [
        {"outcome": "refund_partial"},
        {"outcome": "refund_partial", "refund_fen": 0},
        {"outcome": "refund_partial", "refund_fen": 50_000},
        {"outcome": "refund_full", "refund_fen": 10},
        {"outcome": "reject", "refund_fen": 10},
        {"outcome": "refund_partial", "refund_fen": 10.5},
        {"outcome": "split"},
        {"outcome": "reject", "cited_evidence": [-1]},
    ])
    def test_inconsistent_rulings_are_422_and_change_nothing(
        self, market: DisputeMarket, body: dict[str, Any]
    ) -> None:
        order = market.paid()
        dispute = market.answered(order, market.buyer, market.provider)
        assert market.rule(dispute, market.regulator, **body).status_code == 422
        assert market.balances(market.buyer) == (0, 50_000)


class TestCaseFile:
    def case(self, market: DisputeMarket) -> tuple[dict[str, Any], dict[str, Any]]:
        order = market.paid()
        grant = market.exchange.get(f"/v1/orders/{order['id']}/grant",
                                    headers=bearer(market.buyer))
        assert grant.status_code == 200
        paid, delivered = (market.seq_of(order, t) for t in ("order.paid", "order.delivered"))
        dispute = market.open(order, market.buyer, evidence=[
            {"ledger_seq": paid, "note": "已付款"}]).json()
        market.answer(dispute, market.provider, evidence=[{"ledger_seq": delivered}])
        market.rule(dispute, market.regulator, outcome="reject", reason="已交付",
                    cited_evidence=[delivered])
        got = market.exchange.get(f"/v1/disputes/{dispute['id']}/case",
                                  headers=bearer(market.regulator))
        assert got.status_code == 200, got.text
        return dispute, got.json()

    def test_each_item_carries_a_proof_that_verifies_offline(
        self, market: DisputeMarket
    ) -> None:
        dispute, case = self.case(market)
        assert case["dispute"]["cited_evidence"] and case["dispute"]["status"] == "ruled"
        assert [e["cited_by"] for e in case["evidence"]] == ["buyer", "provider"]
        tree = case["checkpoint"]["tree_size"]
        assert all(e["inclusion_proof"]["tree_size"] == tree for e in case["evidence"])
        report = verify_case_file(case)
        assert report.ok, report
        trusted = market.stack.audit.get("/v1/keys").json()
        assert verify_case_file(case, trusted).ok
        for token in (market.buyer, market.provider):
            assert market.exchange.get(f"/v1/disputes/{dispute['id']}/case",
                                       headers=bearer(token)).status_code == 200
        assert market.exchange.get(f"/v1/disputes/{dispute['id']}/case",
                                   headers=bearer(market.other_buyer)).status_code == 404

    def test_altered_case_files_are_refused_offline(self, market: DisputeMarket) -> None:
        _, case = self.case(market)
        altered = copy.deepcopy(case)
        altered["evidence"][0]["entry"]["record"]["payload"]["amount_fen"] = 1
        assert not verify_case_file(altered).ok
        rehashed = copy.deepcopy(case)
        rehashed["evidence"][1]["inclusion_proof"]["audit_path"].reverse()
        rehashed["evidence"][1]["inclusion_proof"]["audit_path"].append("00" * 32)
        report = verify_case_file(rehashed)
        assert [p is None for *_, p in report.items] == [True, False]
        moved = copy.deepcopy(case)
        moved["order_id"], moved["grant_ids"] = "ord_other", []
        assert "does not belong" in str(verify_case_file(moved).items[0][2])
        forged = copy.deepcopy(case)
        forged["checkpoint"]["root_hash"] = "11" * 32
        assert not verify_case_file(forged).checkpoint_ok
