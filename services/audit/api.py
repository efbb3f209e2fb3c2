"""Wires the audit service's routers into the app."""

from __future__ import annotations

from fastapi import FastAPI

from services.audit.ledger import endpoints as ledger
from services.shared.app import whoami_router


def include_routes(app: FastAPI) -> None:
    """Mount every audit router."""
    app.include_router(whoami_router(), prefix="/v1")
    app.include_router(ledger.router, prefix="/v1")
