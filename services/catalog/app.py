"""The catalog's app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.catalog.api import include_routes
from services.catalog.config import CatalogSettings
from services.catalog.files.anonymous import AnonymousAccessLog
from services.catalog.files.blobs import FileBlobStore
from services.catalog.files.grants import GrantChecker
from services.catalog.outbox import outbox
from services.clients import ExchangeClient
from services.shared.app import (
    freeze_startup_objects,
    install_common,
    remote_token_verifier,
    service_app,
)
from services.shared.database import Database
from services.shared.outbox import Outbox, ledger_keyring
from services.shared.revocations import TokenRevocations

DESCRIPTION = """\
The catalog of public datasets: metadata, listing review, full-text search (Chinese
and English), files with quality reports and masked samples, grant-checked downloads.

Send `Authorization: Bearer <token>` with a token from the exchange's
`POST /v1/auth/token`. Errors are `application/problem+json` (RFC 9457).
"""


def create_app(settings: CatalogSettings | None = None) -> FastAPI:
    """Build the catalog app from settings (read from the environment by default)."""
    settings = settings or CatalogSettings()
    db = Database(settings.database_url)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        freeze_startup_objects()
        yield
        exchange.close()
        db.dispose()

    app = service_app("catalog", settings, db, description=DESCRIPTION, lifespan=lifespan)
    app.state.outbox = Outbox(outbox, source="catalog",
                              keys=ledger_keyring(settings, "catalog"))
    app.state.verifier = remote_token_verifier(settings)
    app.state.blobs = FileBlobStore(settings.var_dir / "blobs")
    app.state.anonymous_access = AnonymousAccessLog(
        settings.client_secret, period_seconds=settings.anonymous_access_period_seconds)
    exchange = ExchangeClient.as_service(settings.exchange_url, client_id=settings.client_id,
                                         client_secret=settings.client_secret)
    app.state.exchange = exchange
    # Through app.state so that a swapped exchange client is the one asked.
    app.state.revocations = TokenRevocations(lambda: app.state.exchange.revocation_list(),
                                             max_age=settings.token_revocation_seconds)
    app.state.grants = GrantChecker(exchange, cache_seconds=settings.grant_cache_seconds)
    install_common(app, service="catalog", db=db, body_routes={
        ("POST", r"/v1/datasets/[^/]+/files"): settings.max_upload_bytes})
    include_routes(app)
    return app
