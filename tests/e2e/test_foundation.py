"""The three services as processes: ready, sign-in, and each one's protected route."""

from __future__ import annotations

import httpx
import pytest

from services.shared.migrations import SERVICES
from tests.e2e.processes import OPERATOR, ServiceProcesses

pytestmark = pytest.mark.e2e

PROTECTED = {"exchange": "/v1/me", "catalog": "/v1/whoami", "audit": "/v1/whoami"}


def token(procs: ServiceProcesses, username: str, password: str) -> str:
    response = httpx.post(
        f"{procs.url('exchange')}/v1/auth/token",
        data={"grant_type": "password", "username": username, "password": password},
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def test_sign_up_approve_sign_in_and_call_every_service(processes: ServiceProcesses) -> None:
    for service in SERVICES:
        ready = httpx.get(f"{processes.url(service)}/readyz")
        assert ready.status_code == 200
        assert ready.json()["service"] == service

    exchange = processes.url("exchange")
    registered = httpx.post(
        f"{exchange}/v1/organizations",
        json={"name": "杭州市交通运输局", "credit_code": "91330100716105852F",
              "roles": ["provider"], "admin": {"username": "hz-traffic",
                                               "password": "a-good-password"}},
    )
    assert registered.status_code == 201, registered.text
    operator = token(processes, *OPERATOR)
    approved = httpx.post(
        f"{exchange}/v1/organizations/{registered.json()['id']}/approve",
        headers={"Authorization": f"Bearer {operator}"},
    )
    assert approved.status_code == 200, approved.text

    user = token(processes, "hz-traffic", "a-good-password")
    for service, path in PROTECTED.items():
        url = processes.url(service) + path
        assert httpx.get(url).status_code == 401
        response = httpx.get(
            url, headers={"Authorization": f"Bearer {user}", "X-Request-ID": f"e2e-{service}"}
        )
        assert response.status_code == 200, response.text
        assert response.headers["x-request-id"] == f"e2e-{service}"
        body = response.json()
        roles = body["roles"]
        assert roles == ["provider"]


def test_problem_documents_for_unknown_routes_on_every_service(
    processes: ServiceProcesses,
) -> None:
    for service in SERVICES:
        response = httpx.get(f"{processes.url(service)}/v1/no-such-thing")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 404


def test_openapi_and_docs_are_served(processes: ServiceProcesses) -> None:
    for service in SERVICES:
        spec = httpx.get(f"{processes.url(service)}/openapi.json")
        assert spec.status_code == 200
        assert spec.json()["info"]["title"] == f"dataex {service}"
        assert httpx.get(f"{processes.url(service)}/docs").status_code == 200


def test_readyz_is_503_until_the_database_is_migrated(
    databases, tmp_path  # type: ignore[no-untyped-def]
) -> None:
    urls = {s: databases.empty(s) for s in SERVICES}
    procs = ServiceProcesses(var_dir=tmp_path, database_urls=urls)
    try:
        procs.start("catalog")
        import time

        deadline = time.monotonic() + 30
        while True:
            try:
                response = httpx.get(f"{procs.url('catalog')}/readyz", timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, procs.log("catalog")
                time.sleep(0.1)
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert "migration" in response.json()["detail"]
        assert httpx.get(f"{procs.url('catalog')}/healthz").status_code == 200
        from services.shared.migrations import upgrade

        upgrade("catalog", urls["catalog"])
        assert httpx.get(f"{procs.url('catalog')}/readyz").status_code == 200
    finally:
        procs.stop_all()
        for url in urls.values():
            databases.drop(url)
