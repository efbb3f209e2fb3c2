"""Downloads under real grants issued by the in-process exchange: the whole path from
order to download, revocation, expiry, scope and forgery, and metered grants counted at
the exchange before anything is served."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from services.catalog.files.grants import GrantChecker
from services.shared.keyring import KeyRing
from services.shared.orm import utcnow
from services.shared.tokens import issue_token
from tests.exchange.file_trading import CSV, listed_with_file, upload, wire_grants
from tests.exchange.trading_helpers import Market, bearer
from tests.stack import ISSUER, Stack

METERED = {"plan": "metered", "price_fen": 0, "tiers": [{"up_to": None, "unit_price_fen": 1}]}


@pytest.fixture
def market(stack: Stack) -> Market:
    return Market(stack)


class Trade:
    """A dataset with a file, certified, offered and bought: the buyer's grant."""

    def __init__(self, market: Market, offer_terms: dict[str, Any] | None = None, *,
                 content: bytes = CSV, **order: Any) -> None:
        self.market = market
        self.dataset, self.file = listed_with_file(market, content=content)
        registered = market.exchange.post("/v1/assets", headers=bearer(market.provider), json={
            "name": "客流数据资产", "dataset_ids": [self.dataset["id"]],
            "rights": ["holding", "processing", "operation"]})
        assert registered.status_code == 201, registered.text
        reviewed = market.exchange.post(f"/v1/assets/{registered.json()['id']}/review",
                                        json={"approve": True}, headers=bearer(market.operator))
        assert reviewed.status_code == 200, reviewed.text
        self.offer = market.offer(asset=reviewed.json(), **(offer_terms or {}))
        self.order = market.paid(self.offer, **order)
        grant = market.exchange.get(f"/v1/orders/{self.order['id']}/grant",
                                    headers=bearer(market.buyer))
        assert grant.status_code == 200, grant.text
        self.grant = grant.json()
        self.url = f"/v1/datasets/{self.dataset['id']}/files/{self.file['id']}/content"

    @property
    def headers(self) -> dict[str, str]:
        return bearer(self.grant["token"])

    def download(self, **headers: str) -> httpx.Response:
        response: httpx.Response = self.market.stack.catalog.get(
            self.url, headers={**self.headers, **headers})
        return response

    def status(self) -> dict[str, Any]:
        response = self.market.exchange.get(f"/v1/grants/{self.grant['grant_id']}",
                                            headers=bearer(self.market.service_token()))
        assert response.status_code == 200, response.text
        return dict(response.json())


def catalog_events(stack: Stack, kind: str = "data.accessed") -> list[dict[str, Any]]:
    db = stack.catalog.app.state.db  # type: ignore[attr-defined]
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT record FROM catalog_outbox ORDER BY id")).all()
    return [r for r in (json.loads(row[0]) for row in rows) if r["type"] == kind]


def usage_report_ids(stack: Stack, grant_id: str) -> set[str]:
    db = stack.exchange.app.state.db  # type: ignore[attr-defined]
    with db.engine.connect() as conn:
        rows = conn.execute(text("SELECT report_id FROM access_grant_usage WHERE grant_id = :g"),
                            {"g": grant_id}).all()
    return {row[0] for row in rows}


def problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["type"] == f"urn:dataex:problem:{slug}", body
    return body


def exchange_token(stack: Stack, claims: dict[str, Any], *, now: datetime | None = None,
                   key_dir: Path | None = None) -> str:
    """A grant token signed with the exchange's own key (or another key)."""
    ring = KeyRing(key_dir or stack.var_dir / "keys" / "exchange-tokens", "ES256")
    token, _ = issue_token(ring.ensure() if key_dir else ring.active(), issuer=ISSUER,
                           subject=claims["grant_id"], audience="dataex-catalog",
                           ttl=timedelta(minutes=5), now=now,
                           claims={"kind": "grant", "roles": [], **claims})
    return token


class TestRealGrants:
    def test_order_pay_grant_download_then_a_ruling_revokes_it(self, market: Market) -> None:
        checker = wire_grants(market.stack, cache_seconds=0.5)
        trade = Trade(market)
        assert trade.grant["dataset_ids"] == [trade.dataset["id"]]
        ok = trade.download()
        assert ok.status_code == 200, ok.text
        assert ok.content == CSV
        [accessed] = catalog_events(market.stack)
        payload = accessed["payload"]
        assert (payload["basis"], payload["grant_id"], payload["sha256"]) == \
            ("grant", trade.grant["grant_id"], trade.file["sha256"])
        assert "usage" not in payload  # a one-time offer is not metered
        assert trade.status()["used_calls"] == 0
        # the buyer's own member token is not a grant
        refused = market.stack.catalog.get(trade.url, headers=bearer(market.buyer))
        problem(refused, 403, "grant-required")

        dispute = market.exchange.post("/v1/disputes", headers=bearer(market.buyer),
                                       json={"order_id": trade.order["id"],
                                             "reason": "数据与描述不符"})
        assert dispute.status_code == 201, dispute.text
        answered = market.exchange.post(f"/v1/disputes/{dispute.json()['id']}/answer",
                                        headers=bearer(market.provider),
                                        json={"statement": "已按约定交付"})
        assert answered.status_code == 200, answered.text
        ruled = market.exchange.post(f"/v1/disputes/{dispute.json()['id']}/rule",
                                     headers=bearer(market.regulator),
                                     json={"outcome": "refund_full", "reason": "数据缺失"})
        assert ruled.status_code == 200, ruled.text
        assert trade.status()["status"] == "revoked"
        # the catalog may rely on its last answer for the cache window, no longer
        assert checker.cache_seconds == 0.5
        time.sleep(0.6)
        problem(trade.download(), 403, "grant-inactive")
        assert len(catalog_events(market.stack)) == 1

    def test_the_buyer_keeps_reading_the_revision_it_bought(self, market: Market) -> None:
        wire_grants(market.stack)
        trade = Trade(market)
        newer = CSV + "2024-01-05,2号线,1010\n".encode()
        uploaded = upload(market.stack, trade.dataset["id"], market.provider, newer,
                          name="ridership-2.csv")
        assert uploaded["revision"] == 2
        public = market.stack.catalog.get(f"/v1/datasets/{trade.dataset['id']}").json()
        assert [f["id"] for f in public["files"]] == [uploaded["id"]]
        # the file bought with revision 1 is still served under the grant
        old = trade.download()
        assert old.status_code == 200, old.text
        assert old.content == CSV
        served = [e["payload"]["sha256"] for e in catalog_events(market.stack)]
        assert served == [trade.file["sha256"]]
        # and nobody without a grant reads either revision's file
        for file_id in (trade.file["id"], uploaded["id"]):
            url = f"/v1/datasets/{trade.dataset['id']}/files/{file_id}/content"
            problem(market.stack.catalog.get(url), 401, "grant-required")

    def test_the_grant_stops_when_its_term_ends(self, market: Market) -> None:
        wire_grants(market.stack, cache_seconds=0)
        trade = Trade(market)
        assert trade.download().status_code == 200
        assert trade.status()["status"] == "active"
        # the grant's term ends (the sweeper marks it expired)
        market.sweep(utcnow() + timedelta(days=trade.order["term_days"] + 1))
        assert trade.status()["status"] == "expired"
        problem(trade.download(), 403, "grant-inactive")

    def test_expired_wrong_dataset_and_forged_tokens(self, market: Market,
                                                     tmp_path: Path) -> None:
        wire_grants(market.stack)
        trade = Trade(market)
        other, other_file = listed_with_file(market, title={"zh": "杭州市空气质量", "en": "Air"})
        claims = {"grant_id": trade.grant["grant_id"], "order_id": trade.order["id"],
                  "org": market.org(market.buyer), "dataset_ids": [trade.dataset["id"]]}
        assert trade.download().status_code == 200
        # the grant's token on another dataset's file
        elsewhere = f"/v1/datasets/{other['id']}/files/{other_file['id']}/content"
        problem(market.stack.catalog.get(elsewhere, headers=trade.headers), 403, "grant-scope")
        # a token that claims the other dataset for this grant: the exchange says otherwise
        lying = exchange_token(market.stack, {**claims, "dataset_ids": [other["id"]]})
        problem(market.stack.catalog.get(elsewhere, headers=bearer(lying)), 403, "grant-scope")
        # an expired token, though signed by the exchange
        stale = exchange_token(market.stack, claims, now=datetime.now(UTC) - timedelta(hours=1))
        assert trade.download(Authorization=f"Bearer {stale}").status_code == 401
        # the same claims signed by another key
        forged = exchange_token(market.stack, claims, key_dir=tmp_path / "forger")
        assert trade.download(Authorization=f"Bearer {forged}").status_code == 401
        # a well-signed token for a grant the exchange never issued
        unknown = exchange_token(market.stack, {**claims, "grant_id": "grt_unknown"})
        problem(trade.download(Authorization=f"Bearer {unknown}"), 403, "grant-unknown")
        assert len(catalog_events(market.stack)) == 1


class TestMeteredCalls:
    def test_each_download_is_one_call_until_the_quota_is_used(self, market: Market) -> None:
        wire_grants(market.stack)
        trade = Trade(market, {**METERED, "unit": "call"}, quantity=2)
        assert trade.status()["quota"] == 2
        first = trade.download()
        assert first.status_code == 200 and first.content == CSV
        # a conditional request that sends nothing counts nothing
        unchanged = trade.download(**{"If-None-Match": first.headers["etag"]})
        assert unchanged.status_code == 304
        part = trade.download(Range="bytes=0-9")
        assert part.status_code == 206 and part.content == CSV[:10]
        status = trade.status()
        assert (status["used_calls"], status["status"]) == (2, "exhausted")
        body = problem(trade.download(), 403, "quota-exceeded")
        assert body["quota"] == 2
        assert trade.status()["used_calls"] == 2

        accessed = catalog_events(market.stack)
        assert [e["payload"]["usage"]["calls"] for e in accessed] == [1, 1]
        assert [e["payload"]["usage"]["rows"] for e in accessed] == [4, 1]
        reports = {e["payload"]["usage"]["report_id"] for e in accessed}
        assert len(reports) == 2
        assert usage_report_ids(market.stack, trade.grant["grant_id"]) == reports
        used = market.events("grant.used")
        assert [e["payload"]["used_calls"] for e in used] == [1, 2]
        assert {e["payload"]["report_id"] for e in used} == reports

    def test_a_quota_used_up_elsewhere_is_refused_at_the_report(self,
                                                                market: Market) -> None:
        wire_grants(market.stack)
        trade = Trade(market, {**METERED, "unit": "call"}, quantity=2)
        assert trade.download(Range="bytes=0-0").status_code == 206  # cached: active, 1 used
        # another report uses the last call; the catalog's cached answer still says active
        elsewhere = market.exchange.post(
            f"/v1/grants/{trade.grant['grant_id']}/usage",
            headers=bearer(market.service_token()),
            json={"report_id": "elsewhere-1", "dataset_id": trade.dataset["id"], "calls": 1})
        assert elsewhere.json()["status"] == "exhausted"
        body = problem(trade.download(), 403, "quota-exceeded")
        assert body["detail"]
        assert trade.status()["used_calls"] == 2
        assert len(catalog_events(market.stack)) == 1
        # the refusal dropped the cached answer: the next attempt stops at the status check
        problem(trade.download(), 403, "quota-exceeded")
        # a refusal is a clear answer: nothing to void
        assert market.events("grant.usage_voided") == []


class TestMeteredRows:
    def test_rows_whole_file_and_ranges(self, market: Market) -> None:
        wire_grants(market.stack)
        header = "date,line,riders\n"
        lines = [f"2024-01-{1 + i % 28:02d},{i % 5 + 1}号线,{1000 + i}\n" for i in range(600)]
        content = (header + "".join(lines)).encode()
        trade = Trade(market, {**METERED, "unit": "1000_rows"}, content=content, quantity=1)
        assert trade.file["rows"] == 600
        assert trade.status()["quota"] == 1000

        whole = trade.download()
        assert whole.status_code == 200 and whole.content == content
        assert trade.status()["used_rows"] == 600
        # the whole file again would pass 1,000 rows: refused, nothing counted or recorded
        body = problem(trade.download(), 403, "quota-exceeded")
        assert (body["quota"], body["used"], body["requested_rows"]) == (1000, 600, 600)
        assert trade.status()["used_rows"] == 600
        # a range counts its share of the rows, rounded up
        size = len(content)
        half = trade.download(Range=f"bytes=0-{size // 2 - 1}")
        assert half.status_code == 206
        expected = -(-600 * (size // 2) // size)
        assert trade.status()["used_rows"] == 600 + expected
        accessed = catalog_events(market.stack)
        assert [e["payload"]["usage"]["rows"] for e in accessed] == [600, expected]
        assert accessed[1]["payload"]["range"] == f"bytes=0-{size // 2 - 1}"


class FlakyExchange(httpx.BaseTransport):
    """The in-process exchange behind a link that can fail usage reports: ``down`` drops
    them before they arrive; ``lose_answers`` delivers them and loses the answer."""

    def __init__(self, inner: httpx.BaseTransport) -> None:
        self.inner = inner
        self.down = False
        self.lose_answers = 0
        self.usage_posts: list[bytes] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        usage = request.method == "POST" and request.url.path.endswith("/usage")
        if usage:
            self.usage_posts.append(request.read())
            if self.down:
                raise httpx.ConnectError("exchange unreachable", request=request)
        response = self.inner.handle_request(request)
        if usage and self.lose_answers:
            self.lose_answers -= 1
            response.read()
            raise httpx.ReadTimeout("answer lost", request=request)
        return response


class TestMeteringFailsClosed:
    def test_an_unreachable_exchange_refuses_and_records_nothing(self,
                                                                 market: Market) -> None:
        link = FlakyExchange(market.stack.exchange._transport)
        checker: GrantChecker = wire_grants(market.stack, transport=link)
        trade = Trade(market, {**METERED, "unit": "call"}, quantity=5)
        assert trade.download().status_code == 200
        link.down = True  # the grant's status is cached, the usage report cannot go out
        refused = problem(trade.download(), 503, "usage-report-failed")
        assert refused["status"] == 503
        assert len(link.usage_posts) == 1 + 3  # one good report, then three attempts
        assert len(catalog_events(market.stack)) == 1
        assert trade.status()["used_calls"] == 1
        assert checker.status(trade.grant["grant_id"]).status == "active"
        # the report is voided in advance: should a copy still arrive, it is refused
        [voided] = market.events("grant.usage_voided")
        report_id = voided["payload"]["report_id"]
        assert (voided["payload"]["calls"], voided["payload"]["reason"]) == \
            (0, "usage report unanswered")
        assert json.loads(link.usage_posts[-1])["report_id"] == report_id
        link.down = False
        late = market.exchange.post(
            f"/v1/grants/{trade.grant['grant_id']}/usage",
            headers=bearer(market.service_token()), json=json.loads(link.usage_posts[-1]))
        problem(late, 409, "usage-report-voided")
        assert trade.status()["used_calls"] == 1

    def test_a_lost_answer_is_resent_and_counted_once(self, market: Market) -> None:
        link = FlakyExchange(market.stack.exchange._transport)
        wire_grants(market.stack, transport=link)
        trade = Trade(market, {**METERED, "unit": "call"}, quantity=5)
        link.lose_answers = 1
        ok = trade.download()
        assert ok.status_code == 200, ok.text
        assert len(link.usage_posts) == 2 and link.usage_posts[0] == link.usage_posts[1]
        assert trade.status()["used_calls"] == 1
        [accessed] = catalog_events(market.stack)
        assert usage_report_ids(market.stack, trade.grant["grant_id"]) == \
            {accessed["payload"]["usage"]["report_id"]}

    def test_answers_lost_on_every_attempt_undo_the_count(self, market: Market) -> None:
        link = FlakyExchange(market.stack.exchange._transport)
        wire_grants(market.stack, transport=link)
        trade = Trade(market, {**METERED, "unit": "call"}, quantity=5)
        assert trade.download().status_code == 200
        link.lose_answers = 3  # each attempt is counted at the exchange, no answer returns
        problem(trade.download(), 503, "usage-report-failed")
        assert len(link.usage_posts) == 1 + 3
        assert len(set(link.usage_posts[1:])) == 1
        report_id = json.loads(link.usage_posts[-1])["report_id"]
        assert trade.status()["used_calls"] == 1
        assert len(catalog_events(market.stack)) == 1
        [voided] = market.events("grant.usage_voided")
        assert (voided["payload"]["report_id"], voided["payload"]["calls"],
                voided["payload"]["used_calls"]) == (report_id, 1, 1)
        assert voided["payload"]["reason"] == "usage report unanswered"
        # the quota the lost report had taken is there to use
        assert trade.download().status_code == 200
        assert trade.status()["used_calls"] == 2

    def test_a_download_counted_but_not_recorded_is_voided(
            self, market: Market, monkeypatch: pytest.MonkeyPatch) -> None:
        checker = wire_grants(market.stack)
        trade = Trade(market, {**METERED, "unit": "call"}, quantity=5)
        assert trade.download().status_code == 200

        def broken(*args: Any, **kwargs: Any) -> None:
            raise RuntimeError("the catalog's database is gone")

        monkeypatch.setattr("services.catalog.files.service.record_download", broken)
        with pytest.raises(RuntimeError):
            trade.download()
        assert trade.status()["used_calls"] == 1
        assert len(catalog_events(market.stack)) == 1
        [voided] = market.events("grant.usage_voided")
        [used] = [e for e in market.events("grant.used")
                  if e["payload"]["report_id"] == voided["payload"]["report_id"]]
        assert (voided["payload"]["calls"], voided["payload"]["used_calls"],
                voided["payload"]["reason"]) == (1, 1, "access not recorded")
        assert used["payload"]["used_calls"] == 2
        # the catalog's cached status follows the void's answer
        assert checker.status(trade.grant["grant_id"]).used_calls == 1

    def test_a_void_that_cannot_be_delivered_is_logged(
            self, market: Market, monkeypatch: pytest.MonkeyPatch,
            caplog: pytest.LogCaptureFixture) -> None:
        link = FlakyExchange(market.stack.exchange._transport)
        checker = wire_grants(market.stack, transport=link)
        trade = Trade(market, {**METERED, "unit": "call"}, quantity=5)
        monkeypatch.setattr("services.clients.exchange.REPORT_BACKOFF_SECONDS", 0.0)
        link.down = True
        voids: list[str] = []
        original = link.handle_request

        def unreachable(request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/void"):
                voids.append(request.url.path)
                raise httpx.ConnectError("exchange unreachable", request=request)
            return original(request)

        monkeypatch.setattr(link, "handle_request", unreachable)
        with caplog.at_level("ERROR", logger="services.catalog.files.grants"):
            problem(trade.download(), 503, "usage-report-failed")
            assert checker.void_usage(trade.grant["grant_id"], report_id="use_x",
                                      dataset_id=trade.dataset["id"], reason="test") is False
        assert len(voids) == 3 + 3 and len(set(voids)) == 2
        logged = [r.getMessage() for r in caplog.records if "could not be voided" in r.getMessage()]
        assert len(logged) == 2
        assert trade.grant["grant_id"] in logged[1] and "use_x" in logged[1]
