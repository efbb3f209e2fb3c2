"""Wires the catalog's routers into the app."""

from __future__ import annotations

from fastapi import FastAPI

from services.catalog.datasets import endpoints as datasets
from services.catalog.dcat import endpoints as dcat
from services.catalog.files import endpoints as files
from services.catalog.themes import endpoints as themes
from services.shared.app import whoami_router


def include_routes(app: FastAPI) -> None:
    """Mount every catalog router."""
    app.include_router(whoami_router(), prefix="/v1")
    app.include_router(themes.router, prefix="/v1")
    app.include_router(datasets.router, prefix="/v1")
    app.include_router(dcat.router, prefix="/v1")
    app.include_router(files.router, prefix="/v1")
