"""The three service clients over httpx.MockTransport: what they send, what they make of
the answers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.clients import (
    ApiProblem,
    AuditClient,
    CatalogClient,
    ExchangeClient,
    ServiceUnreachable,
)
from services.clients import exchange as exchange_module
from services.shared.keyring import KeyRing
from services.shared.schemas.grants import GrantStatus, UsageIn, UsageVoidIn

GRANT = {"grant_id": "grt_1", "order_id": "ord_1", "buyer_org_id": "org_b", "status": "active",
         "dataset_ids": ["ds_1"], "expires_at": "2099-01-01T00:00:00Z", "unit": "call",
         "quota": 10, "used_calls": 1, "used_rows": 0, "checked_at": "2026-01-01T00:00:00Z",
         "max_cache_seconds": 30}


def mock(handler: Any) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(exchange_module, "REPORT_BACKOFF_SECONDS", 0.0)


class TestExchangeClient:
    def test_service_tokens_are_fetched_without_credentials_and_then_sent(self) -> None:
        requests: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            if request.url.path == "/v1/auth/token":
                return httpx.Response(200, json={"access_token": "svc", "expires_in": 300,
                                                 "token_type": "bearer"})
            return httpx.Response(200, json=GRANT)

        client = ExchangeClient.as_service("http://x.test", client_id="catalog",
                                           client_secret="s3cret", transport=mock(handler))
        assert client.grant_status("grt_1").status is GrantStatus.ACTIVE
        client.grant_status("grt_1")
        token, first, second = requests
        assert "authorization" not in token.headers
        form = dict(httpx.QueryParams(token.content.decode()))
        assert form == {"grant_type": "client_credentials", "client_id": "catalog",
                        "client_secret": "s3cret", "audience": "dataex-exchange"}
        assert first.headers["authorization"] == second.headers["authorization"] == "Bearer svc"

    def test_a_refused_password_is_a_problem(self) -> None:
        client = ExchangeClient.connect("http://x.test", transport=mock(
            lambda r: httpx.Response(400, json={"type": "urn:dataex:problem:invalid-grant",
                                                "detail": "wrong password"})))
        with pytest.raises(ApiProblem) as caught:
            client.password_token("alice", "nope")
        assert caught.value.slug == "invalid-grant"

    def test_a_grant_status_that_is_not_one_is_unreadable(self) -> None:
        client = ExchangeClient.connect("http://x.test",
                                        transport=mock(lambda r: httpx.Response(200, json={})))
        with pytest.raises(ApiProblem) as caught:
            client.grant_status("grt_1")
        assert (caught.value.status, caught.value.slug) == (502, "unreadable-answer")

    def test_a_usage_report_is_resent_unchanged_after_no_answer_or_a_5xx(self) -> None:
        bodies: list[bytes] = []

        def handler(request: httpx.Request) -> httpx.Response:
            bodies.append(request.content)
            if len(bodies) == 1:
                raise httpx.ReadTimeout("lost", request=request)
            if len(bodies) == 2:
                return httpx.Response(500, json={"detail": "oops"})
            return httpx.Response(200, json=GRANT)

        client = ExchangeClient.connect("http://x.test", transport=mock(handler))
        usage = UsageIn(report_id="use_1", dataset_id="ds_1", calls=1, rows=5)
        assert client.report_usage("grt_1", usage).used_calls == 1
        assert len(bodies) == 3 and len(set(bodies)) == 1
        assert json.loads(bodies[0]) == {"report_id": "use_1", "dataset_id": "ds_1",
                                         "calls": 1, "rows": 5}

    def test_a_refused_report_is_not_resent(self) -> None:
        bodies: list[bytes] = []

        def handler(request: httpx.Request) -> httpx.Response:
            bodies.append(request.content)
            return httpx.Response(409, json={"type": "urn:dataex:problem:quota-exceeded"})

        client = ExchangeClient.connect("http://x.test", transport=mock(handler))
        with pytest.raises(ApiProblem) as caught:
            client.report_usage("grt_1", UsageIn(report_id="use_1", dataset_id="ds_1"))
        assert caught.value.slug == "quota-exceeded" and len(bodies) == 1

    def test_a_void_is_given_up_after_three_attempts(self) -> None:
        paths: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            paths.append(request.url.path)
            raise httpx.ConnectError("down", request=request)

        client = ExchangeClient.connect("http://x.test", transport=mock(handler))
        with pytest.raises(ServiceUnreachable):
            client.void_usage("grt_1", "use_1",
                              UsageVoidIn(dataset_id="ds_1", reason="not served"))
        assert paths == ["/v1/grants/grt_1/usage/use_1/void"] * 3


class TestCatalogClient:
    def test_a_dataset_it_cannot_see_is_none(self) -> None:
        client = CatalogClient.connect("http://c.test", transport=mock(
            lambda r: httpx.Response(404, json={"type": "urn:dataex:problem:dataset-not-found"})))
        assert client.dataset("ds_1") is None

    def test_a_dataset_gives_its_facts(self) -> None:
        doc = {"id": "ds_1", "status": "listed", "publisher": {"id": "org_p"},
               "title": {"zh": "客流"}, "revision": 2, "metadata_sha256": "ab" * 32,
               "files": [{"id": "fil_1", "sha256": "cd" * 32, "rows": 3, "bytes": 40}],
               "quality": {"overall_score": "87.5"}}
        client = CatalogClient.connect("http://c.test",
                                       transport=mock(lambda r: httpx.Response(200, json=doc)))
        facts = client.dataset("ds_1")
        assert facts is not None
        assert (facts.publisher_org_id, facts.title, facts.rows, facts.quality_score) == \
            ("org_p", "客流", 3, 88)

    def test_a_failing_or_absent_catalog_is_a_problem(self) -> None:
        failing = CatalogClient.connect("http://c.test", transport=mock(
            lambda r: httpx.Response(500, text="boom")))
        with pytest.raises(ApiProblem) as caught:
            failing.dataset("ds_1")
        assert caught.value.status == 500

        def refused(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("refused", request=request)

        absent = CatalogClient.connect("http://c.test", transport=mock(refused))
        with pytest.raises(ServiceUnreachable):
            absent.dataset("ds_1")

    def test_a_document_without_an_id_is_unreadable(self) -> None:
        client = CatalogClient.connect("http://c.test", transport=mock(
            lambda r: httpx.Response(200, json={"status": "listed"})))
        with pytest.raises(ApiProblem) as caught:
            client.dataset("ds_1")
        assert caught.value.status == 502


def entry_out(seq: int) -> dict[str, Any]:
    return {"seq": seq, "event_id": f"evt_{seq}", "type": "t", "source": "catalog",
            "actor": "a", "subject": "s", "occurred_at": "x", "recorded_at": "x", "record": {},
            "kid": "k", "signature": "00", "prev_hash": "00", "entry_hash": "00",
            "leaf_hash": "00"}


class TestAuditClient:
    def test_an_unknown_key_is_registered_and_the_batch_sent_again(self, tmp_path: Path) -> None:
        ring = KeyRing(tmp_path / "keys", "EdDSA")
        ring.ensure()
        calls: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(request.url.path)
            if request.url.path == "/v1/sources/keys":
                return httpx.Response(201, json={"kid": "k"})
            if calls.count("/v1/entries") == 1:
                return httpx.Response(422, json={"type": "urn:dataex:problem:unknown-key"})
            return httpx.Response(200, json={"entries": [
                {"event_id": "evt_1", "seq": 7, "entry_hash": "00", "created": True}]})

        client = AuditClient.connect("http://a.test", transport=mock(handler))
        assert client.deliver([{"record": {}}], keys=ring) == {"evt_1": 7}
        assert calls == ["/v1/entries", "/v1/sources/keys", "/v1/entries"]

    def test_other_problems_are_raised(self, tmp_path: Path) -> None:
        client = AuditClient.connect("http://a.test", transport=mock(
            lambda r: httpx.Response(422, json={"type": "urn:dataex:problem:bad-signature"})))
        with pytest.raises(ApiProblem):
            client.deliver([{"record": {}}], keys=KeyRing(tmp_path, "EdDSA"))

    def test_all_entries_follow_the_pages(self) -> None:
        def handler(request: httpx.Request) -> httpx.Response:
            after = int(request.url.params["after_seq"])
            if after == -1:
                return httpx.Response(200, json={"items": [entry_out(0), entry_out(1)],
                                                 "next_after_seq": 1})
            return httpx.Response(200, json={"items": [entry_out(2)], "next_after_seq": None})

        client = AuditClient.connect("http://a.test", transport=mock(handler))
        assert [e.seq for e in client.all_entries()] == [0, 1, 2]

    def test_export_streams_the_bundle_to_a_file(self, tmp_path: Path) -> None:
        client = AuditClient.connect("http://a.test", transport=mock(
            lambda r: httpx.Response(200, content=b'{"kind":"entry"}\n' * 3)))
        target = tmp_path / "bundle.jsonl"
        assert client.export(target) == 51
        assert target.read_bytes().count(b"\n") == 3
