"""The three APIs the portal calls, and one visitor's view of them.

:class:`Backends` holds one client per service (built from settings, or over transports
handed in by tests). :meth:`Backends.for_caller` gives the same connections carrying
one visitor's own token (or none): the portal never calls an API with credentials of
its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from services.clients import (
    ApiConnection,
    AuditClient,
    BearerToken,
    CatalogClient,
    Credentials,
    ExchangeClient,
    anonymous,
)
from services.portal.config import PortalSettings
from services.shared.settings import AUDIENCES


@dataclass(frozen=True)
class Caller:
    """The three services' clients, all calling as one visitor."""

    catalog: CatalogClient
    exchange: ExchangeClient
    audit: AuditClient

    def offers_on_dataset(self, dataset_id: str) -> list[dict[str, Any]]:
        """Active offers over registered assets that pin ``dataset_id``."""
        return list(self.exchange.offers(dataset_id=dataset_id)["items"])


@dataclass(frozen=True)
class Backends:
    """Connections to catalog, exchange and audit, shared by every visitor."""

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
        made = {name: ApiConnection(url, service=f"the {name}", audience=AUDIENCES[name],
                                    timeout=settings.api_timeout,
                                    transport=transports.get(name))
                for name, url in urls.items()}
        return cls(**made)

    def for_caller(self, token: str | None) -> Caller:
        """The clients as the holder of ``token`` (anonymous when None) calls them."""
        credentials: Credentials = BearerToken(token) if token else anonymous
        return Caller(catalog=CatalogClient(self.catalog.as_caller(credentials)),
                      exchange=ExchangeClient(self.exchange.as_caller(credentials)),
                      audit=AuditClient(self.audit.as_caller(credentials)))

    def close(self) -> None:
        """Release the connection pools."""
        for connection in (self.catalog, self.exchange, self.audit):
            connection.close()
