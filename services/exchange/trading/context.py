"""The run-time context of trading routes, kept on ``app.state.trading``.

Tests replace ``catalog`` with a client over the in-process catalog's transport.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Annotated

from services.exchange.certificates.signing import DocumentSigner
from services.exchange.config import ExchangeSettings
from services.exchange.datasets.client import CatalogClient
from services.exchange.identity.issuer import TokenIssuer
from services.exchange.orders.model import OrderClock
from services.shared.app import app_state


class OwnServiceTokens:
    """The exchange's own service tokens for calling other services, minted locally
    (the exchange is the issuer) and reused until shortly before they expire."""

    def __init__(self, issuer: TokenIssuer, client_id: str) -> None:
        self.issuer = issuer
        self.client_id = client_id
        self._cache: dict[str, tuple[str, float]] = {}
        self._lock = threading.Lock()

    def token(self, audience: str) -> str:
        """A valid token for ``audience``."""
        with self._lock:
            cached = self._cache.get(audience)
            if cached and cached[1] > time.monotonic():
                return cached[0]
            issued = self.issuer.service_token(client_id=self.client_id, audience=audience)
            lifetime = max(issued.expires_in - 60, 5)
            self._cache[audience] = (issued.access_token, time.monotonic() + lifetime)
            return issued.access_token


@dataclass
class Trading:
    """Settings, the document signer, the token issuer and the catalog client."""

    settings: ExchangeSettings
    signer: DocumentSigner
    issuer: TokenIssuer
    catalog: CatalogClient

    @property
    def clock(self) -> OrderClock:
        """The order deadlines from settings."""
        return OrderClock(**self.settings.windows())

    @property
    def fee_bps(self) -> int:
        """The exchange's fee in basis points."""
        return self.settings.fee_bps


def build_trading(settings: ExchangeSettings, issuer: TokenIssuer) -> Trading:
    """The trading context for an app."""
    tokens = OwnServiceTokens(issuer, settings.client_id)
    catalog = CatalogClient.connect(settings.catalog_url, token_source=tokens.token,
                                    timeout=settings.catalog_timeout_seconds)
    return Trading(settings=settings, signer=DocumentSigner(issuer.ring), issuer=issuer,
                   catalog=catalog)


TradingDep = Annotated[Trading, app_state("trading")]
