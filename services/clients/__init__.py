"""Typed HTTP clients for the three dataex services, used by every caller: the
services calling each other, the relay, the CLI, the end-to-end tests.

- :class:`ApiConnection`: one service's base URL, credentials, timeouts and retries.
- :class:`CatalogClient`, :class:`ExchangeClient`, :class:`AuditClient`: one per service,
  each a :class:`ServiceApi` over an :class:`ApiConnection`.
- :data:`Credentials`: :func:`anonymous`, :class:`BearerToken` (a caller's own token),
  :class:`CachedTokens` (a service's own tokens, renewed before they expire).
- :class:`ApiProblem`: any error answer, as its problem document;
  :class:`ServiceUnreachable` when no answer came.

This package imports only :mod:`services.shared`, never a service.
"""

from services.clients.audit import AuditClient
from services.clients.catalog import CatalogClient, DatasetFacts, PinnedFile, facts_from_document
from services.clients.connection import ApiConnection, ServiceApi
from services.clients.credentials import BearerToken, CachedTokens, Credentials, anonymous
from services.clients.exchange import ExchangeClient
from services.clients.problem import ApiProblem, ServiceUnreachable

__all__ = [
    "ApiConnection",
    "ApiProblem",
    "AuditClient",
    "BearerToken",
    "CachedTokens",
    "CatalogClient",
    "Credentials",
    "DatasetFacts",
    "ExchangeClient",
    "PinnedFile",
    "ServiceApi",
    "ServiceUnreachable",
    "anonymous",
    "facts_from_document",
]
