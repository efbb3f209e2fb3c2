"""The audit's app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from services.audit.api import include_routes
from services.audit.config import AuditSettings
from services.audit.ledger.ingest import SourceKeys
from services.audit.ledger.publishing import CheckpointPublisher
from services.audit.ledger.repository import SqlLogStorage
from services.audit.ledger.sequencer import Sequencer
from services.clients import ExchangeClient
from services.shared.app import (
    freeze_startup_objects,
    install_common,
    remote_token_verifier,
    service_app,
)
from services.shared.database import Database
from services.shared.keyring import KeyRing
from services.shared.revocations import TokenRevocations
from services.shared.settings import ServiceSettings

DESCRIPTION = """\
The audit ledger: signed entries in a hash chain and an RFC 9162 Merkle log, signed
checkpoints, inclusion and consistency proofs, and exports that `dataex verify`
checks offline.

Errors are `application/problem+json` (RFC 9457).
"""


def checkpoint_keyring(settings: ServiceSettings) -> KeyRing:
    """The Ed25519 key ring that signs the ledger's checkpoints (the ledger's own key,
    distinct from the keys each service signs its events with)."""
    return settings.key_ring("audit-ledger", "EdDSA", "checkpoints")


def create_app(settings: AuditSettings | None = None) -> FastAPI:
    """Build the audit app from settings (read from the environment by default)."""
    settings = settings or AuditSettings()
    db = Database(settings.database_url)
    ledger_keys = checkpoint_keyring(settings)
    ledger_keys.ensure()
    sequencer = Sequencer(
        SqlLogStorage(db),
        CheckpointPublisher(ledger_keys),
        checkpoint_every=settings.checkpoint_every,
        checkpoint_interval=settings.checkpoint_interval_seconds,
        max_batch=settings.max_batch,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        sequencer.start()
        freeze_startup_objects()  # a large batch of entries triggers several collections
        yield
        sequencer.stop()
        exchange.close()
        db.dispose()

    app = service_app("audit", settings, db, description=DESCRIPTION, lifespan=lifespan)
    app.state.ledger_keys = ledger_keys
    app.state.sequencer = sequencer
    app.state.source_keys = SourceKeys()
    app.state.verifier = remote_token_verifier(settings)
    exchange = ExchangeClient.as_service(settings.exchange_url, client_id=settings.client_id,
                                         client_secret=settings.client_secret)
    app.state.exchange = exchange
    # Through app.state so that a swapped exchange client is the one asked.
    app.state.revocations = TokenRevocations(lambda: app.state.exchange.revocation_list(),
                                             max_age=settings.token_revocation_seconds)
    install_common(app, service="audit", db=db, body_routes={
        ("POST", "/v1/entries"): settings.max_batch_body_bytes})
    include_routes(app)
    return app
