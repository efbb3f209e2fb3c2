"""Typed dependencies of the audit routes: the sequencer, source keys, ledger keys."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from services.audit.ledger.ingest import SourceKeys
from services.audit.ledger.sequencer import Sequencer
from services.shared.database import Database
from services.shared.keyring import KeyRing


async def _sequencer(request: Request) -> Sequencer:
    sequencer: Sequencer = request.app.state.sequencer
    return sequencer


async def _source_keys(request: Request) -> SourceKeys:
    keys: SourceKeys = request.app.state.source_keys
    return keys


async def _ledger_keys(request: Request) -> KeyRing:
    ring: KeyRing = request.app.state.ledger_keys
    return ring


async def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


SequencerDep = Annotated[Sequencer, Depends(_sequencer)]
SourceKeysDep = Annotated[SourceKeys, Depends(_source_keys)]
LedgerKeysDep = Annotated[KeyRing, Depends(_ledger_keys)]
DatabaseDep = Annotated[Database, Depends(_db)]
