"""The portal's pages, one module per group of users."""

from __future__ import annotations

from fastapi import FastAPI

from services.portal.pages import (
    account,
    catalog,
    delivery,
    disputes,
    keys,
    membership,
    mfa,
    orders,
    provider,
    provider_orders,
    provider_payouts,
    provider_trading,
    provider_upload,
    regulator,
    revocation,
    suspension,
    users,
    webhooks,
)
from services.portal.pages import operator as operator_pages


def include_pages(app: FastAPI) -> None:
    """Add every page router."""
    for module in (catalog, account, membership, orders, delivery, disputes, provider,
                   provider_upload, provider_trading, provider_orders, provider_payouts,
                   operator_pages, regulator, revocation, users, webhooks, keys, mfa,
                   suspension):
        app.include_router(module.router)
