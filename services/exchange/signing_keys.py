"""The exchange's signing keys, one ring per purpose: ``tokens`` (access and grant
tokens, published at ``/.well-known/jwks.json``) and ``documents`` (certificates,
acceptances, vouchers, party signatures, published at ``/v1/signing-keys``). Each rotates
on its own (``dataex keys rotate --purpose tokens|documents``)."""

from __future__ import annotations

from services.exchange.config import ExchangeSettings
from services.shared.keyring import KeyRing

TOKEN_RING = "exchange-tokens"  # noqa: S105 - a folder name
DOCUMENT_RING = "exchange-documents"


def token_keyring(settings: ExchangeSettings) -> KeyRing:
    """The key ring that signs the exchange's tokens."""
    return settings.key_ring(TOKEN_RING, "ES256", "tokens")


def document_keyring(settings: ExchangeSettings) -> KeyRing:
    """The key ring that signs the documents the exchange issues."""
    return settings.key_ring(DOCUMENT_RING, "ES256", "documents")
