"""The run-time context of trading routes, kept on ``app.state.trading``.

Tests replace ``catalog`` and ``audit`` with clients over the in-process services'
transports.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from services.clients import AuditClient, CachedTokens, CatalogClient
from services.exchange.certificates.signing import DocumentSigner
from services.exchange.config import ExchangeSettings
from services.exchange.identity.issuer import TokenIssuer
from services.exchange.orders.model import OrderClock
from services.shared.app import app_state


@dataclass
class Trading:
    """Settings, the document signer, the token issuer, and the catalog and audit
    clients (vouchers fetch their settlement's inclusion proof and disputes check their
    evidence with the audit client)."""

    settings: ExchangeSettings
    signer: DocumentSigner
    issuer: TokenIssuer
    catalog: CatalogClient
    audit: AuditClient

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


def build_trading(settings: ExchangeSettings, issuer: TokenIssuer,
                  signer: DocumentSigner) -> Trading:
    """The trading context for an app."""
    tokens = own_service_tokens(issuer, settings.client_id)
    catalog = CatalogClient.connect(settings.catalog_url, credentials=tokens,
                                    timeout=settings.catalog_timeout_seconds)
    audit = AuditClient.connect(settings.audit_url, credentials=tokens,
                                timeout=settings.catalog_timeout_seconds)
    return Trading(settings=settings, signer=signer, issuer=issuer,
                   catalog=catalog, audit=audit)


TradingDep = Annotated[Trading, app_state("trading")]
