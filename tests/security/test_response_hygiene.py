"""Issue 18, item 7: security headers, no server banner, CORS only for an allow-list,
500s close the connection, request ids validated, names refuse control and bidi
characters."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from fastapi.testclient import TestClient

from services.catalog.app import create_app as create_catalog
from services.catalog.config import CatalogSettings
from services.cli.main import server_options
from services.portal.app import create_app as create_portal
from services.shared.hygiene import HARDENING_HEADERS
from tests.catalog.conftest import bearer, dataset_body
from tests.stack import Stack

SHARED = ("X-Content-Type-Options", "X-Frame-Options", "Referrer-Policy",
          "Content-Security-Policy")


def _has_hardening(response: httpx.Response) -> None:
    for name in SHARED:
        assert response.headers.get(name), f"{name} missing on {response.request.url}"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "server" not in response.headers


def test_security_headers_on_all_four_apps(stack: Stack) -> None:
    for client in (stack.exchange, stack.catalog, stack.audit):
        for path in ("/healthz", "/v1/no-such-route", "/openapi.json"):
            response = client.get(path)
            _has_hardening(response)
            assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    portal = TestClient(create_portal())
    _has_hardening(portal.get("/healthz"))


def test_docs_served_locally_under_a_strict_policy(stack: Stack) -> None:
    for path in ("/docs", "/redoc"):
        page = stack.catalog.get(path)
        assert page.status_code == 200
        assert "http://" not in page.text and "https://" not in page.text
        assert "<script>" not in page.text  # no inline script: the policy forbids it
        policy = page.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-eval" not in policy
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css", "redoc.standalone.js"):
        assert stack.catalog.get(f"/docs-assets/{asset}").status_code == 200
    assert stack.catalog.get("/docs/init.js").status_code == 200


def test_cors_is_off_unless_an_allow_list_is_configured(stack: Stack, tmp_path: Any) -> None:
    preflight = {"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"}
    answer = stack.catalog.options("/v1/datasets", headers=preflight)
    assert "access-control-allow-origin" not in answer.headers
    assert "access-control-allow-origin" not in stack.catalog.get(
        "/v1/datasets", headers={"Origin": "https://evil.example"}).headers
    settings = CatalogSettings(database_url=f"sqlite:///{tmp_path}/c.db", var_dir=tmp_path,
                               environment="test",
                               cors_allow_origins="https://portal.example")
    allowed = TestClient(create_catalog(settings))
    good = allowed.get("/healthz", headers={"Origin": "https://portal.example"})
    assert good.headers["access-control-allow-origin"] == "https://portal.example"
    bad = allowed.get("/healthz", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in bad.headers


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def served_catalog(tmp_path: Any) -> Iterator[str]:
    """The catalog under real uvicorn with ``dataex serve``'s options, plus a route that
    fails unexpectedly."""
    settings = CatalogSettings(database_url=f"sqlite:///{tmp_path}/c.db", var_dir=tmp_path,
                               environment="test", port=_free_port())
    app: FastAPI = create_catalog(settings)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("unexpected")

    options = server_options(settings) | {"workers": None}
    server = uvicorn.Server(uvicorn.Config(app, **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{settings.port}"
    server.should_exit = True
    thread.join(10)


def test_no_server_banner_and_500_closes_the_connection(served_catalog: str) -> None:
    with httpx.Client(base_url=served_catalog) as client:
        ok = client.get("/healthz")
        assert ok.status_code == 200
        assert "server" not in ok.headers
        failed = client.get("/boom")
        assert failed.status_code == 500
        assert failed.headers["connection"] == "close"
        assert failed.headers["content-type"] == "application/problem+json"
        assert failed.headers["X-Content-Type-Options"] == HARDENING_HEADERS[
            "X-Content-Type-Options"]
        assert "server" not in failed.headers
        # The next request opens a new connection and succeeds.
        assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize("sent", [
    "a" * 129,                      # too long
    "id with spaces",               # not a token
    "x\"} {\"forged\": \"field",   # tries to forge JSON in a log line
    "-starts-with-dash",
    "caf\u00e9",                    # not ASCII
])
def test_bad_request_id_is_replaced(stack: Stack, sent: str) -> None:
    answer = stack.exchange.get("/healthz", headers={"X-Request-ID": sent.encode("latin-1")})
    echoed = answer.headers["x-request-id"]
    assert echoed != sent
    assert len(echoed) == 32 and echoed.isalnum()


def test_good_request_id_is_kept(stack: Stack) -> None:
    for sent in ("e2e-catalog", "0f3c2a:req.17", "a" * 128):
        assert stack.catalog.get("/healthz", headers={"X-Request-ID": sent}
                                 ).headers["x-request-id"] == sent


BIDI_AND_CONTROL = ["ACME\u202egpj.exe", "ACME\x00", "ACME\u200b", "ACME\u2066x\u2069",
                    "ACME\nInc"]


@pytest.mark.parametrize("name", BIDI_AND_CONTROL)
def test_bidi_or_control_name_refused(stack: Stack, name: str) -> None:
    answer = stack.exchange.post("/v1/organizations", json={
        "name": name, "credit_code": "91110108551385082Q", "roles": ["buyer"],
        "admin": {"username": "bidi-admin", "password": "a-good-password"}})
    assert answer.status_code == 422, answer.text
    assert "U+" in answer.json()["detail"]
    assert "bidirectional" in answer.json()["detail"]


def test_bidi_dataset_title_and_api_key_name_refused(stack: Stack) -> None:
    token = stack.member(roles=["provider"], credit_code="91330100716105852F",
                         username="bidi-provider")
    for body in (dataset_body(title={"zh": "客流\u202e量"}),
                 dataset_body(title={"zh": "客流", "en": "rider\u200fship"}),
                 dataset_body(publisher_name="杭州市\u202d交通")):
        answer = stack.catalog.post("/v1/datasets", json=body, headers=bearer(token))
        assert answer.status_code == 422, answer.text
        assert "U+20" in answer.json()["detail"]
    key = stack.exchange.post("/v1/api-keys", json={"name": "key\x1b[31m"},
                              headers=bearer(token))
    assert key.status_code == 422
    # Ordinary Chinese and English names still pass.
    assert stack.catalog.post("/v1/datasets", json=dataset_body(),
                              headers=bearer(token)).status_code == 201
