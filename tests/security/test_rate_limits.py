"""Finding: nothing limited request rates (400 anonymous downloads in 1.5 s). The token
endpoint, search, downloads and ledger proofs now count each client's requests and
answer 429 with ``Retry-After`` over the limit."""

from __future__ import annotations

import httpx
from fastapi.testclient import TestClient

from services.shared.rate_limits import RateLimits
from services.shared.settings import ServiceSettings
from tests.catalog.conftest import Callers, bearer
from tests.catalog.test_files_api import upload
from tests.stack import OPERATOR, Stack

RULES = {"token": "3/minute", "search": "3/minute", "download": "3/minute",
         "proof": "3/minute"}


def tighten(*clients: TestClient) -> None:
    for client in clients:
        client.app.state.rate_limits = RateLimits(RULES)  # type: ignore[attr-defined]


def assert_limited(answer: httpx.Response) -> None:
    assert answer.status_code == 429, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["type"] == "urn:dataex:problem:rate-limited"
    assert 1 <= int(answer.headers["Retry-After"]) <= 60


def token_request(stack: Stack, username: str, password: str) -> httpx.Response:
    return stack.exchange.post("/v1/auth/token", data={
        "grant_type": "password", "username": username, "password": password})


def test_token_endpoint_is_limited_per_source_and_account(stack: Stack) -> None:
    tighten(stack.exchange)
    for _ in range(3):
        token_request(stack, OPERATOR[0], "wrong-password")
    assert_limited(token_request(stack, *OPERATOR))
    # another account from the same source is counted apart
    assert token_request(stack, "someone-else", "x").status_code != 429


def test_search_is_limited_per_client(stack: Stack) -> None:
    operator = stack.operator_token()
    tighten(stack.catalog)
    for _ in range(3):
        assert stack.catalog.get("/v1/datasets", params={"q": "交通"}).status_code == 200
    assert_limited(stack.catalog.get("/v1/datasets", params={"q": "交通"}))
    signed_in = stack.catalog.get("/v1/datasets", headers=bearer(operator))
    assert signed_in.status_code == 200


def test_downloads_and_rows_are_limited_per_client(stack: Stack) -> None:
    callers = Callers(stack)
    dataset = callers.listed()
    answer = upload(stack, dataset["id"], callers.provider,
                    b"date,line,riders\n2024-01-01,L1,1\n")
    assert answer.status_code == 201, answer.text
    base = f"/v1/datasets/{dataset['id']}/files/{answer.json()['id']}"
    tighten(stack.catalog)
    for path in ("/content", "/rows", "/content"):
        assert stack.catalog.get(base + path).status_code == 200
    assert_limited(stack.catalog.get(base + "/rows"))
    assert_limited(stack.catalog.get(base + "/content"))


def test_proofs_are_limited_per_client(stack: Stack) -> None:
    tighten(stack.audit)
    for _ in range(3):
        assert stack.audit.get("/v1/proofs/consistency",
                               params={"first": 1}).status_code != 429
    assert_limited(stack.audit.get("/v1/proofs/inclusion", params={"seq": 0}))


def test_limits_are_settings() -> None:
    settings = ServiceSettings(rate_limit_search="7/second", rate_limits_enabled=False)
    limits = RateLimits.from_settings(settings)
    assert str(limits.rules["search"]) == "7 per 1 second"
    assert not limits.enabled
