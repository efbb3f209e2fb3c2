"""The portal's pages, one module per group of users."""

from __future__ import annotations

from fastapi import FastAPI

from services.portal.pages import account, catalog, membership, regulator


def include_pages(app: FastAPI) -> None:
    """Add every page router."""
    for module in (catalog, account, membership):
        app.include_router(module.router)
    app.include_router(regulator.router)
