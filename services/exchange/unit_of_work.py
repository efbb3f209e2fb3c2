"""One unit of work: the transaction a change happens in, the outbox that records its
ledger events in that same transaction, and the trading context (settings, signer,
issuer, catalog client) the rules consult.

Routes get one from :data:`UnitOfWorkDep` (or :data:`WriteUnitOfWorkDep` for the few
GETs that write); the sweeper builds one per transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from services.exchange.notifications.fanout import notify_ledger_event
from services.exchange.trading.context import Trading
from services.shared.app import SessionDep, WriteSessionDep
from services.shared.events import EventRecord
from services.shared.outbox import Outbox


@dataclass(frozen=True)
class UnitOfWork:
    """A session inside one transaction, with the outbox and trading context."""

    session: Session
    outbox: Outbox
    trading: Trading

    def record(self, *, type: str, actor: str, subject: str, payload: dict[str, Any],
               occurred_at: datetime | None = None) -> EventRecord:
        """Record a ledger event in this unit's transaction, with the webhook
        notifications it causes."""
        event = self.outbox.record(self.session, type=type, actor=actor, subject=subject,
                                   payload=payload, occurred_at=occurred_at)
        notify_ledger_event(self.session, event)
        return event


def _unit_of_work(request: Request, session: SessionDep) -> UnitOfWork:
    return UnitOfWork(session, request.app.state.outbox, request.app.state.trading)


def _write_unit_of_work(request: Request, session: WriteSessionDep) -> UnitOfWork:
    return UnitOfWork(session, request.app.state.outbox, request.app.state.trading)


# Function scope, as the session's: the transaction commits before the response is sent.
UnitOfWorkDep = Annotated[UnitOfWork, Depends(_unit_of_work, scope="function")]
"""The request's unit of work: read-only for GET and HEAD, one transaction otherwise."""

WriteUnitOfWorkDep = Annotated[UnitOfWork, Depends(_write_unit_of_work, scope="function")]
"""A unit of work in a transaction even for a GET (a download recorded in the ledger)."""
