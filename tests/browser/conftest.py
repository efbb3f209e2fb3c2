"""Browser tests: Playwright for Python driving Debian's Chromium against real processes
(the three services, the relay and the portal).

Skipped, with the reason, when Chromium or Playwright is missing; with
``DATAEX_TEST_REQUIRE_BROWSER=1`` (CI) a missing browser is a failure instead.
``DATAEX_SCREENSHOTS=1`` makes :func:`screenshot` write ``docs/screenshots/<name>.png``.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from services.shared.migrations import SERVICES
from tests.databases import DatabaseFactory
from tests.e2e.processes import OPERATOR, ServiceProcesses

CHROMIUM = Path(os.environ.get("DATAEX_CHROMIUM", "/usr/bin/chromium"))
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def _missing_browser() -> str | None:
    if importlib.util.find_spec("playwright") is None:
        return "Playwright for Python is not installed (pip install -e '.[dev]')"
    if not CHROMIUM.exists():
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium)"
    return None


@pytest.fixture(scope="module")
def live(databases: DatabaseFactory,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcesses]:
    """The services seeded with the demo data, the relay, and the portal, as processes."""
    urls = {s: databases.migrated(s, private=True) for s in SERVICES}
    procs = ServiceProcesses(var_dir=tmp_path_factory.mktemp("live"), database_urls=urls)
    try:
        procs.start_all()
        seeded = subprocess.run([sys.executable, "-m", "services.cli.main", "seed"],
                                env=procs.environment(), capture_output=True, text=True,
                                timeout=180)
        assert seeded.returncode == 0, seeded.stdout + seeded.stderr
        procs.start("relay", command="relay")
        procs.start_portal()
        yield procs
    finally:
        procs.stop_all()
        for url in urls.values():
            databases.drop(url)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One headless Chromium for the module (the tests skip, or fail under
    DATAEX_TEST_REQUIRE_BROWSER=1, when there is none)."""
    reason = _missing_browser()
    if reason is not None:
        if os.environ.get("DATAEX_TEST_REQUIRE_BROWSER") == "1":
            pytest.fail(f"DATAEX_TEST_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(f"browser tests skipped: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM),
                                              args=["--no-sandbox"])
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live: ServiceProcesses) -> Iterator[Any]:
    """A fresh browser tab (own cookies) at desktop size, Chinese locale."""
    context = browser.new_context(base_url=live.url("portal"), locale="zh-CN",
                                  viewport={"width": 1280, "height": 900},
                                  accept_downloads=True)
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def person(browser: Any, live: ServiceProcesses) -> Iterator[Any]:
    """A factory of browser tabs, each with its own cookies (one per person)."""
    contexts: list[Any] = []

    def open_tab() -> Any:
        context = browser.new_context(base_url=live.url("portal"), locale="zh-CN",
                                      viewport={"width": 1280, "height": 900},
                                      accept_downloads=True)
        contexts.append(context)
        return context.new_page()

    yield open_tab
    for context in contexts:
        context.close()


def screenshot(page: Any, name: str) -> None:
    """Save the whole page as docs/screenshots/<name>.png when DATAEX_SCREENSHOTS is set."""
    if os.environ.get("DATAEX_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def create_member(live: ServiceProcesses, *, roles: list[str], credit_code: str,
                  username: str, password: str = "a-good-password",
                  name: str = "浏览器测试单位") -> dict[str, Any]:
    """Register an organisation at the exchange and have the operator approve it."""
    exchange = live.url("exchange")
    org = httpx.post(f"{exchange}/v1/organizations", json={
        "name": name, "credit_code": credit_code, "roles": roles,
        "admin": {"username": username, "password": password}}, timeout=30)
    assert org.status_code == 201, org.text
    operator = httpx.post(f"{exchange}/v1/auth/token", data={
        "grant_type": "password", "username": OPERATOR[0], "password": OPERATOR[1]},
        timeout=30).json()["access_token"]
    approved = httpx.post(f"{exchange}/v1/organizations/{org.json()['id']}/approve",
                          headers={"Authorization": f"Bearer {operator}"}, timeout=30)
    assert approved.status_code == 200, approved.text
    body: dict[str, Any] = org.json()
    return body


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in through the portal's form, as a person would."""
    page.goto("/signin")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url("**/me")
