"""The three APIs the portal calls, and one visitor's view of them.

:class:`Backends` holds one connection per service (built from settings, or handed in
by tests with transports to in-process apps). :meth:`Backends.for_caller` gives the
same connections carrying one visitor's own token (or none): the portal never calls
an API with credentials of its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx

from services.portal.config import PortalSettings
from services.portal.interim_clients import ApiConnection, BearerToken, anonymous
from services.shared.settings import AUDIENCES

# How many registered assets the dataset page looks through for offers on the dataset
# (the exchange's offer search has no dataset filter).
ASSET_SCAN_LIMIT = 200


@dataclass(frozen=True)
class Backends:
    """Connections to catalog, exchange and audit."""

    catalog: ApiConnection
    exchange: ApiConnection
    audit: ApiConnection

    @classmethod
    def from_settings(cls, settings: PortalSettings,
                      transports: dict[str, httpx.BaseTransport] | None = None) -> Backends:
        """Connections to the URLs in ``settings`` (optionally over given transports)."""
        transports = transports or {}
        urls = {"catalog": settings.catalog_url, "exchange": settings.exchange_url,
                "audit": settings.audit_url}
        made = {name: ApiConnection(url, service=name, audience=AUDIENCES[name],
                                    timeout=settings.api_timeout,
                                    transport=transports.get(name))
                for name, url in urls.items()}
        return cls(**made)

    def for_caller(self, token: str | None) -> PortalApi:
        """The APIs as the holder of ``token`` (anonymous when None) calls them."""
        credentials = BearerToken(token) if token else anonymous
        return PortalApi(catalog=self.catalog.as_caller(credentials),
                         exchange=self.exchange.as_caller(credentials),
                         audit=self.audit.as_caller(credentials))

    def close(self) -> None:
        """Release the connection pools."""
        for connection in (self.catalog, self.exchange, self.audit):
            connection.close()


@dataclass(frozen=True)
class PortalApi:
    """The API calls the portal's pages make, as one caller."""

    catalog: ApiConnection
    exchange: ApiConnection
    audit: ApiConnection

    # identity

    def password_token(self, username: str, password: str) -> str:
        """A user's access token from the exchange's password grant."""
        body = self.exchange.request(
            "POST", "/v1/auth/token",
            data={"grant_type": "password", "username": username, "password": password},
        ).json()
        return str(body["access_token"])

    def me(self) -> dict[str, Any]:
        """The caller's user, organisation and roles."""
        return dict(self.exchange.get_json("/v1/me"))

    def account(self) -> dict[str, Any]:
        """The caller's organisation's balances (fen)."""
        return dict(self.exchange.get_json("/v1/accounts/me"))

    def apply_for_membership(self, body: dict[str, Any]) -> dict[str, Any]:
        """Register an organisation (pending until an operator approves it)."""
        return dict(self.exchange.post_json("/v1/organizations", body))

    # catalog

    def themes(self) -> list[dict[str, Any]]:
        """The theme vocabulary."""
        return list(self.catalog.get_json("/v1/themes"))

    def search_datasets(self, params: dict[str, Any]) -> dict[str, Any]:
        """A page of datasets matching the catalog's search parameters."""
        clean = {k: v for k, v in params.items() if v not in (None, "")}
        return dict(self.catalog.get_json("/v1/datasets", params=clean))

    def dataset(self, dataset_id: str) -> dict[str, Any]:
        """One dataset's newest revision."""
        return dict(self.catalog.get_json(f"/v1/datasets/{dataset_id}"))

    def file_quality(self, dataset_id: str, file_id: str) -> dict[str, Any]:
        """A file's full quality report."""
        return dict(self.catalog.get_json(f"/v1/datasets/{dataset_id}/files/{file_id}/quality"))

    def file_sample(self, dataset_id: str, file_id: str) -> list[dict[str, Any]]:
        """A file's masked sample rows."""
        body = self.catalog.get_json(f"/v1/datasets/{dataset_id}/files/{file_id}/sample")
        return list(body.get("rows") or [])

    @contextmanager
    def file_content(self, dataset_id: str, file_id: str) -> Iterator[httpx.Response]:
        """The file's bytes, streamed."""
        with self.catalog.stream("GET",
                                 f"/v1/datasets/{dataset_id}/files/{file_id}/content") as r:
            yield r

    # exchange

    def offers_on_dataset(self, dataset_id: str) -> list[dict[str, Any]]:
        """Active offers over registered assets that pin ``dataset_id``."""
        assets = self.exchange.get_json("/v1/assets",
                                        params={"limit": ASSET_SCAN_LIMIT})["items"]
        offers: list[dict[str, Any]] = []
        for asset in assets:
            if any(pinned.get("dataset_id") == dataset_id for pinned in asset["datasets"]):
                page = self.exchange.get_json("/v1/offers", params={"asset_id": asset["id"]})
                offers.extend(page["items"])
        return offers
