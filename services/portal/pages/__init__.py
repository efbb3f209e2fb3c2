"""The portal's pages, one module per group of users."""

from __future__ import annotations

from fastapi import FastAPI

from services.portal.pages import (
    account,
    catalog,
    delivery,
    membership,
    orders,
    provider,
    provider_payouts,
    provider_trading,
    provider_upload,
    regulator,
)
from services.portal.pages import operator as operator_pages


def include_pages(app: FastAPI) -> None:
    """Add every page router."""
    for module in (catalog, account, membership, orders, delivery, provider, provider_upload,
                   provider_trading, provider_payouts, operator_pages, regulator):
        app.include_router(module.router)
