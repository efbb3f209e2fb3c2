"""ApiConnection over httpx.MockTransport: problems, retries, credentials, unreachable."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from services.clients import (
    ApiConnection,
    ApiProblem,
    BearerToken,
    CachedTokens,
    ServiceUnreachable,
    anonymous,
)
from services.clients import connection as connection_module
from services.shared.logs import REQUEST_ID_HEADER, request_id_var
from services.shared.schemas.tokens import TokenResponse

Handler = Callable[[httpx.Request], httpx.Response]


def connect(handler: Handler, **kwargs: object) -> ApiConnection:
    return ApiConnection("http://svc.test", service="the test service", audience="dataex-test",
                         transport=httpx.MockTransport(handler), **kwargs)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def no_pause(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(connection_module, "RETRY_PAUSE_SECONDS", 0.0)


class TestProblems:
    def test_a_problem_document_becomes_an_api_problem(self) -> None:
        doc = {"type": "urn:dataex:problem:grant-revoked", "title": "Conflict", "status": 409,
               "detail": "the grant is revoked", "grant_id": "grt_1"}
        with connect(lambda r: httpx.Response(409, json=doc)) as conn, \
                pytest.raises(ApiProblem) as caught:
            conn.get_json("/v1/grants/grt_1")
        problem = caught.value
        assert (problem.status, problem.type, problem.title, problem.detail) == \
            (409, doc["type"], "Conflict", "the grant is revoked")
        assert problem.slug == "grant-revoked" and problem.problem == doc
        assert problem.answered

    def test_a_url_type_gives_its_last_path_part(self) -> None:
        problem = ApiProblem(404, {"type": "https://dataex.example/problems/not-found"})
        assert problem.slug == "not-found"

    def test_a_body_that_is_not_a_problem_still_gives_a_detail(self) -> None:
        with connect(lambda r: httpx.Response(502, text="<html>Bad gateway</html>")) as conn, \
                pytest.raises(ApiProblem) as caught:
            conn.request("POST", "/v1/x")
        assert caught.value.status == 502
        assert caught.value.detail == "<html>Bad gateway</html>"
        assert caught.value.type == "about:blank"

    def test_a_json_body_that_is_not_an_object_still_gives_a_detail(self) -> None:
        with connect(lambda r: httpx.Response(400, json=["no"])) as conn, \
                pytest.raises(ApiProblem) as caught:
            conn.request("GET", "/v1/x")
        assert caught.value.detail == "['no']"

    def test_a_success_that_is_not_json_is_a_502(self) -> None:
        with connect(lambda r: httpx.Response(200, text="not json")) as conn, \
                pytest.raises(ApiProblem) as caught:
            conn.get_json("/v1/x")
        assert caught.value.status == 502 and caught.value.slug == "unreadable-answer"

    def test_a_streamed_error_is_a_problem_too(self) -> None:
        with connect(lambda r: httpx.Response(403, json={"detail": "no"})) as conn, \
                pytest.raises(ApiProblem) as caught, conn.stream("GET", "/v1/file"):
            pass
        assert caught.value.status == 403

    def test_a_stream_gives_the_body(self) -> None:
        with connect(lambda r: httpx.Response(200, content=b"a,b\n1,2\n")) as conn, \
                conn.stream("GET", "/v1/file") as response:
            assert b"".join(response.iter_bytes()) == b"a,b\n1,2\n"


class TestRetries:
    def test_a_get_is_retried_while_the_connection_cannot_be_opened(self) -> None:
        calls: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(request.method)
            if len(calls) < 3:
                raise httpx.ConnectError("refused", request=request)
            return httpx.Response(200, json={"ok": True})

        with connect(handler, retries=2) as conn:
            assert conn.get_json("/v1/x") == {"ok": True}
        assert calls == ["GET"] * 3

    def test_a_post_is_never_retried(self) -> None:
        calls: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(request.method)
            raise httpx.ConnectError("refused", request=request)

        with connect(handler, retries=2) as conn, pytest.raises(ServiceUnreachable):
            conn.post_json("/v1/x", {})
        assert calls == ["POST"]

    def test_a_lost_answer_is_not_retried(self) -> None:
        calls: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(request.method)
            raise httpx.ReadTimeout("lost", request=request)

        with connect(handler, retries=2) as conn, pytest.raises(ServiceUnreachable):
            conn.get_json("/v1/x")
        assert calls == ["GET"]

    def test_an_error_answer_is_not_retried(self) -> None:
        calls: list[str] = []

        def handler(request: httpx.Request) -> httpx.Response:
            calls.append(request.method)
            return httpx.Response(503, json={"detail": "busy"})

        with connect(handler, retries=2) as conn, pytest.raises(ApiProblem):
            conn.get_json("/v1/x")
        assert len(calls) == 1


class TestUnreachable:
    def test_an_unreachable_service_is_a_503_that_was_not_answered(self) -> None:
        def handler(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("connection refused", request=request)

        with connect(handler, retries=0) as conn, pytest.raises(ServiceUnreachable) as caught:
            conn.get_json("/v1/x")
        problem = caught.value
        assert problem.status == 503 and not problem.answered
        assert problem.slug == "service-unreachable"
        assert "the test service" in problem.detail and "connection refused" in problem.detail
        assert isinstance(problem.__cause__, httpx.ConnectError)

    def test_ready_is_false_when_unreachable_and_true_on_200(self) -> None:
        up = {"now": False}

        def handler(request: httpx.Request) -> httpx.Response:
            if not up["now"]:
                raise httpx.ConnectError("refused", request=request)
            return httpx.Response(200 if request.url.path == "/readyz" else 404)

        with connect(handler) as conn:
            assert conn.ready() is False
            up["now"] = True
            assert conn.ready() is True
            assert conn.wait_ready(timeout=1) is True


class TestCredentials:
    def seen(self) -> tuple[Handler, list[httpx.Request]]:
        requests: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            requests.append(request)
            return httpx.Response(200, json={})

        return handler, requests

    def test_anonymous_sends_no_token(self) -> None:
        handler, requests = self.seen()
        with connect(handler, credentials=anonymous) as conn:
            conn.get_json("/v1/x")
        assert "authorization" not in requests[0].headers

    def test_a_token_for_the_audience_and_the_request_id_are_sent(self) -> None:
        handler, requests = self.seen()
        audiences: list[str] = []

        def credentials(audience: str) -> str:
            audiences.append(audience)
            return "tok-1"

        reset = request_id_var.set("req-42")
        try:
            with connect(handler, credentials=credentials) as conn:
                conn.get_json("/v1/x")
        finally:
            request_id_var.reset(reset)
        assert requests[0].headers["authorization"] == "Bearer tok-1"
        assert requests[0].headers[REQUEST_ID_HEADER] == "req-42"
        assert audiences == ["dataex-test"]

    def test_as_caller_uses_other_credentials_on_the_same_pool(self) -> None:
        handler, requests = self.seen()
        with connect(handler, credentials=BearerToken("service")) as conn:
            user = conn.as_caller(BearerToken("user"))
            user.get_json("/v1/me")
            user.close()  # leaves the pool open for conn
            conn.get_json("/v1/x")
        assert [r.headers["authorization"] for r in requests] == ["Bearer user", "Bearer service"]

    def test_an_explicit_authorization_header_wins(self) -> None:
        handler, requests = self.seen()
        with connect(handler, credentials=BearerToken("service")) as conn:
            conn.get_json("/v1/x", headers={"Authorization": "Bearer grant"})
        assert requests[0].headers["authorization"] == "Bearer grant"


class TestCachedTokens:
    def test_a_token_is_reused_until_shortly_before_it_expires(
            self, monkeypatch: pytest.MonkeyPatch) -> None:
        clock = {"now": 1000.0}
        monkeypatch.setattr("services.clients.credentials.time.monotonic", lambda: clock["now"])
        fetched: list[str] = []

        def fetch(audience: str) -> TokenResponse:
            fetched.append(audience)
            return TokenResponse(access_token=f"tok-{len(fetched)}", expires_in=300)

        tokens = CachedTokens(fetch)
        assert tokens("dataex-audit") == tokens("dataex-audit") == "tok-1"
        assert tokens("dataex-catalog") == "tok-2"
        clock["now"] += 239
        assert tokens("dataex-audit") == "tok-1"
        clock["now"] += 2  # 60 s before expiry: renewed
        assert tokens("dataex-audit") == "tok-3"
        assert fetched == ["dataex-audit", "dataex-catalog", "dataex-audit"]

    def test_a_short_lived_token_is_still_reused_briefly(
            self, monkeypatch: pytest.MonkeyPatch) -> None:
        clock = {"now": 0.0}
        monkeypatch.setattr("services.clients.credentials.time.monotonic", lambda: clock["now"])
        fetched: list[str] = []

        def fetch(audience: str) -> TokenResponse:
            fetched.append(audience)
            return TokenResponse(access_token="t", expires_in=10)

        tokens = CachedTokens(fetch)
        tokens("a")
        clock["now"] += 4
        tokens("a")
        assert len(fetched) == 1
        clock["now"] += 2
        tokens("a")
        tokens.forget()
        tokens("a")
        assert len(fetched) == 3

    def test_concurrent_callers_share_one_fetch(self) -> None:
        import threading

        fetches: list[int] = []
        gate = threading.Event()

        def fetch(audience: str) -> TokenResponse:
            gate.wait(1)
            fetches.append(1)
            return TokenResponse(access_token="shared", expires_in=300)

        tokens = CachedTokens(fetch)
        seen: list[str] = []
        threads = [threading.Thread(target=lambda: seen.append(tokens("a"))) for _ in range(5)]
        for t in threads:
            t.start()
        gate.set()
        for t in threads:
            t.join()
        assert seen == ["shared"] * 5 and len(fetches) == 1
