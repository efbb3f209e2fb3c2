"""Typed dependencies of the audit routes: the sequencer, ledger keys, the database."""

from __future__ import annotations

from typing import Annotated

from services.audit.ledger.sequencer import Sequencer
from services.shared.app import app_state
from services.shared.database import Database
from services.shared.keyring import KeyRing

SequencerDep = Annotated[Sequencer, app_state("sequencer")]
LedgerKeysDep = Annotated[KeyRing, app_state("ledger_keys")]
DatabaseDep = Annotated[Database, app_state("db")]
