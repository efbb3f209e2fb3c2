"""The portal in-process, calling the three services in-process over their test clients'
transports, exactly as it would call them over the network."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from services.catalog.demo import seed_catalog
from services.portal.app import create_app
from services.portal.backends import Backends
from services.portal.config import PortalSettings
from services.portal.session import CSRF_FIELD
from tests.stack import Stack

SECRET = "portal-test-secret-0123456789"


@dataclass
class Portal:
    """The portal's test client and the services behind it."""

    client: TestClient
    stack: Stack

    def csrf(self, path: str = "/signin") -> str:
        """The CSRF token the page at ``path`` puts in its forms."""
        html = self.client.get(path).text
        marker = f'name="{CSRF_FIELD}" value="'
        start = html.index(marker) + len(marker)
        return html[start:html.index('"', start)]

    def sign_in(self, username: str, password: str) -> httpx.Response:
        """Sign in through the form."""
        return self.client.post("/signin", data={
            "username": username, "password": password, "next": "/me",
            CSRF_FIELD: self.csrf()}, follow_redirects=False)


def transport_of(client: TestClient) -> httpx.BaseTransport:
    """The in-process transport of a service's test client."""
    transport: httpx.BaseTransport = client._transport
    return transport


@pytest.fixture
def portal(stack: Stack) -> Iterator[Portal]:
    settings = PortalSettings(environment="test", secret_key=SECRET,
                              catalog_url="http://testserver",
                              exchange_url="http://testserver", audit_url="http://testserver")
    backends = Backends.from_settings(settings, transports={
        "catalog": transport_of(stack.catalog), "exchange": transport_of(stack.exchange),
        "audit": transport_of(stack.audit)})
    with TestClient(create_app(settings, backends)) as client:
        yield Portal(client, stack)


@pytest.fixture
def seeded_portal(portal: Portal, tmp_path: Path) -> Portal:
    """The portal with the demo provider's listed datasets in the catalog."""
    provider = portal.stack.register(roles=["provider"], credit_code="11330100MB1H00000Q",
                                     username="hz-data", name="杭州市数据资源管理局")
    catalog_app = portal.stack.catalog.app
    seed_catalog(catalog_app.state.settings, publisher_org_id=provider["id"],  # type: ignore[attr-defined]
                 publisher_name=provider["name"])
    return portal
