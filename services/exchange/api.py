"""Wires the exchange's routers into the app."""

from __future__ import annotations

from fastapi import FastAPI

from services.exchange.identity import endpoints as identity


def include_routes(app: FastAPI) -> None:
    """Mount every exchange router."""
    app.include_router(identity.well_known)
    app.include_router(identity.router, prefix="/v1")
