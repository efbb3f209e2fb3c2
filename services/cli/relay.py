"""``dataex relay``: deliver the catalog's and the exchange's outboxes to the ledger."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import partial

from sqlalchemy import Table

from services.clients import AuditClient, ExchangeClient
from services.shared.database import Database
from services.shared.outbox import OutboxRelay, ledger_keyring
from services.shared.settings import ServiceSettings


@dataclass
class SourceRelay:
    """One source's relay and what it holds open."""

    name: str
    relay: OutboxRelay
    audit: AuditClient
    exchange: ExchangeClient
    db: Database

    def close(self) -> None:
        """Release connections."""
        self.audit.close()
        self.exchange.close()
        self.db.dispose()


def source_relay(name: str, settings: ServiceSettings, table: Table) -> SourceRelay:
    """The relay of one source service, configured from its settings."""
    db = Database(settings.database_url, pool_size=2)
    exchange = ExchangeClient.connect(settings.exchange_url)
    tokens = exchange.service_tokens(client_id=settings.client_id,
                                     client_secret=settings.client_secret)
    audit = AuditClient.connect(settings.audit_url, credentials=tokens)
    deliver = partial(audit.deliver, keys=ledger_keyring(settings, name))
    return SourceRelay(name, OutboxRelay(db, table, deliver), audit, exchange, db)


def all_relays() -> list[SourceRelay]:
    """Relays for catalog and exchange, each configured from its own environment."""
    from services.catalog.config import CatalogSettings
    from services.catalog.outbox import outbox as catalog_outbox
    from services.exchange.config import ExchangeSettings
    from services.exchange.outbox import outbox as exchange_outbox

    return [
        source_relay("catalog", CatalogSettings(), catalog_outbox),
        source_relay("exchange", ExchangeSettings(), exchange_outbox),
    ]


def run_relays(relays: list[SourceRelay], stop: threading.Event) -> None:
    """Run every relay in its own thread until ``stop`` is set."""
    threads = [
        threading.Thread(target=r.relay.run, args=(stop,), name=f"relay-{r.name}", daemon=True)
        for r in relays
    ]
    for t in threads:
        t.start()
    stop.wait()
    for t in threads:
        t.join(timeout=30)
    for r in relays:
        r.close()
