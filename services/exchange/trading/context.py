"""The run-time context of trading routes, kept on ``app.state.trading``.

Tests replace ``catalog`` with a client over the in-process catalog's transport.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from services.clients import CachedTokens, CatalogClient
from services.exchange.certificates.signing import DocumentSigner
from services.exchange.config import ExchangeSettings
from services.exchange.identity.issuer import TokenIssuer
from services.exchange.orders.model import OrderClock
from services.shared.app import app_state


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
        """The configured fee in basis points: the fee until an operator sets one
        (:mod:`services.exchange.fees`)."""
        return self.settings.fee_bps


def own_service_tokens(issuer: TokenIssuer, client_id: str) -> CachedTokens:
    """The exchange's own service tokens for calling other services, minted locally
    (the exchange is the issuer) and reused until shortly before they expire."""
    return CachedTokens(lambda audience: issuer.service_token(client_id=client_id,
                                                              audience=audience))


def build_trading(settings: ExchangeSettings, issuer: TokenIssuer) -> Trading:
    """The trading context for an app."""
    catalog = CatalogClient.connect(settings.catalog_url,
                                    credentials=own_service_tokens(issuer, settings.client_id),
                                    timeout=settings.catalog_timeout_seconds)
    return Trading(settings=settings, signer=DocumentSigner(issuer.ring), issuer=issuer,
                   catalog=catalog)


TradingDep = Annotated[Trading, app_state("trading")]
