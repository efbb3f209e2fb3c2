"""Reads the ledger out as bundle lines (see :mod:`services.audit.ledger.bundle`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from services.audit.ledger import repository
from services.audit.ledger.bundle import FORMAT, Line
from services.audit.ledger.checkpoint import LOG_ID
from services.audit.ledger.entry import seal_body
from services.audit.ledger.tables import CheckpointRow, LedgerEntry
from services.shared.database import Database
from services.shared.events import rfc3339
from services.shared.keyring import KeyRing
from services.shared.orm import utcnow

PAGE = 5000


def checkpoint_line(row: CheckpointRow) -> dict[str, Any]:
    """A checkpoint as a bundle line (and as the API shows it)."""
    return {
        "kind": "checkpoint",
        "checkpoint": {
            "log": LOG_ID,
            "tree_size": row.tree_size,
            "root_hash": row.root_hash,
            "timestamp": row.timestamp,
        },
        "kid": row.kid,
        "signature": row.signature,
        "previous_size": row.previous_size,
        "consistency_path": json.loads(row.consistency_path),
    }


def bundle_lines(db: Database, ledger_keys: KeyRing) -> Iterator[Line]:
    """Every line of a bundle of the whole ledger as it stands now.

    Entries below the current size never change, so reading them page by page in short
    transactions gives a consistent bundle without holding anything open.
    """
    with db.reading() as session:
        state = repository.read_state(session)
        size = state.tree_size if state else 0
        checkpoints = list(repository.checkpoints(session, upto=size))
        sources = [
            {"kind": "source_key", "source": k.source, "kid": k.kid, "jwk": json.loads(k.jwk),
             "registered_at": rfc3339(k.registered_at)}
            for k in repository.source_keys(session)
        ]
    yield {"kind": "bundle", "format": FORMAT, "log": LOG_ID, "tree_size": size,
           "exported_at": rfc3339(utcnow())}
    for key in ledger_keys.verification_keys():
        yield {"kind": "ledger_key", "kid": key.kid, "jwk": key.jwk()}
    yield from sources
    pending = iter(checkpoints)
    upcoming = next(pending, None)
    after = -1
    while after + 1 < size:
        with db.reading() as session:
            page = [
                (e.seq, _entry_bytes(e))
                for e in repository.entries(session, after_seq=after, limit=PAGE)
                if e.seq < size
            ]
        if not page:
            break
        for seq, data in page:
            yield data
            after = seq
            while upcoming is not None and upcoming.tree_size == seq + 1:
                yield checkpoint_line(upcoming)
                upcoming = next(pending, None)


def _entry_bytes(e: LedgerEntry) -> bytes:
    body = {
        "seq": e.seq,
        "record": json.loads(e.record),
        "kid": e.kid,
        "signature": e.signature,
        "recorded_at": e.recorded_at,
        "prev_hash": e.prev_hash,
    }
    return seal_body(body).data
