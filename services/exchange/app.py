"""The exchange's app factory."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from services.exchange.api import include_routes
from services.exchange.certificates.signing import DocumentSigner
from services.exchange.config import ExchangeSettings
from services.exchange.identity import service as identity
from services.exchange.identity.issuer import TokenIssuer
from services.exchange.identity.passwords import Passwords
from services.exchange.notifications.dispatcher import WebhookDispatcher
from services.exchange.outbox import outbox
from services.exchange.rule_problems import install_rule_problems
from services.exchange.security_events.decisions import install_decision_log
from services.exchange.sign_in.service import guard_from_settings
from services.exchange.signing_keys import document_keyring, token_keyring
from services.exchange.trading.context import build_trading
from services.exchange.trading.sweeper import Sweeper
from services.exchange.users.revocation_list import revocation_list
from services.shared.app import freeze_startup_objects, install_common, readiness, service_app
from services.shared.auth import TokenVerifier
from services.shared.database import Database
from services.shared.migrations import head_revision
from services.shared.outbox import Outbox, ledger_keyring
from services.shared.revocations import RevocationList, TokenRevocations

log = logging.getLogger(__name__)

DESCRIPTION = """\
Members and identity (organisations, users, API keys, tokens), and trading.

Tokens come from `POST /v1/auth/token` and are verified with the keys at
`/.well-known/jwks.json`. Errors are `application/problem+json` (RFC 9457).
"""


def bootstrap(db: Database, settings: ExchangeSettings, passwords: Passwords) -> None:
    """Create the configured first operator and service clients if they are missing."""
    with db.transaction() as session:
        if settings.bootstrap_operator:
            username, password = settings.bootstrap_operator.split(":", 1)
            identity.ensure_operator(
                session,
                passwords,
                username=username,
                password=password,
                org_name=settings.operator_org_name,
                credit_code=settings.operator_credit_code,
            )
        identity.ensure_service_clients(session, settings.service_client_secrets())


def _revocation_list(db: Database, settings: ExchangeSettings) -> RevocationList:
    with db.reading() as session:
        return revocation_list(session, settings)


def create_app(settings: ExchangeSettings | None = None) -> FastAPI:
    """Build the exchange app from settings (read from the environment by default)."""
    settings = settings or ExchangeSettings()
    db = Database(settings.database_url)
    # Documents first: on a deployment whose tokens ring already signed documents, those
    # older token keys stay published as document keys (see DocumentSigner).
    documents = DocumentSigner(document_keyring(settings), legacy=token_keyring(settings))
    ring = token_keyring(settings)
    ring.ensure()
    issuer = TokenIssuer(
        ring,
        issuer=settings.issuer,
        user_ttl=timedelta(seconds=settings.user_token_ttl_seconds),
        service_ttl=timedelta(seconds=settings.service_token_ttl_seconds),
    )
    passwords = Passwords(
        time_cost=settings.argon2_time_cost,
        memory_kib=settings.argon2_memory_kib,
        parallelism=settings.argon2_parallelism,
    )

    trading = build_trading(settings, issuer, documents)
    ledger_outbox = Outbox(outbox, source="exchange",
                           keys=ledger_keyring(settings, "exchange"))
    sweeper = Sweeper(db, ledger_outbox, trading, settings.sweep_interval_seconds)
    webhooks = WebhookDispatcher(db, policy=settings.webhook_policy(),
                                 interval=settings.webhook_dispatch_interval_seconds)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        ready, why = readiness(db, "exchange", head_revision("exchange"))
        if ready:
            bootstrap(db, settings, passwords)
            sweeper.start()
            webhooks.start()
        else:
            log.warning("not bootstrapping: %s (run `dataex migrate`)", why)
        freeze_startup_objects()
        yield
        sweeper.stop()
        webhooks.close()
        trading.catalog.close()
        trading.audit.close()
        db.dispose()

    app = service_app("exchange", settings, db, description=DESCRIPTION, lifespan=lifespan)
    app.state.outbox = ledger_outbox
    # Trading's settings, document signer and catalog client; tests swap the catalog
    # client's transport for the in-process catalog's.
    app.state.trading = trading
    app.state.issuer = issuer
    app.state.webhooks = webhooks
    app.state.passwords = passwords
    app.state.verifier = TokenVerifier(
        keys=issuer.keys.lookup, peek=issuer.keys.peek, issuer=settings.issuer,
        audience=settings.audience,
    )
    app.state.revocations = TokenRevocations(
        lambda: _revocation_list(db, settings),
        max_age=settings.token_revocation_seconds)
    app.state.sign_in_guard = guard_from_settings(db, settings)
    install_common(app, service="exchange", db=db)
    install_decision_log(app, db)
    install_rule_problems(app)
    include_routes(app)
    return app
