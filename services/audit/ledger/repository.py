"""SQL for the ledger: the sequencer's state row, entries, Merkle nodes, checkpoints."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Table, and_, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.audit.ledger.entry import GENESIS_HASH
from services.audit.ledger.merkle import Frontier, Node, NodeId
from services.audit.ledger.tables import (
    CheckpointRow,
    LedgerEntry,
    LedgerState,
    MerkleNode,
    SourceKey,
)

STATE_ID = 1


_STATE: Table = LedgerState.__table__  # type: ignore[assignment]

def lock_state(session: Session) -> Any:
    """The sequencer's state row (tree_size, head_hash, frontier, checkpoint_size),
    locked until the transaction ends; created if absent."""
    conn = session.connection()
    query = (
        select(_STATE.c.tree_size, _STATE.c.head_hash, _STATE.c.frontier,
               _STATE.c.checkpoint_size)
        .where(_STATE.c.id == STATE_ID)
        .with_for_update()
    )
    state = conn.execute(query).first()
    if state is not None:
        return state
    dialect = conn.dialect.name
    values = {"id": STATE_ID, "tree_size": 0, "head_hash": GENESIS_HASH, "frontier": "[]",
              "checkpoint_size": 0}
    stmt = (pg_insert if dialect == "postgresql" else sqlite_insert)(_STATE).values(values)
    conn.execute(stmt.on_conflict_do_nothing(index_elements=["id"]))
    return conn.execute(query).one()


def read_state(session: Session) -> LedgerState | None:
    """The sequencer's state without locking it."""
    return session.get(LedgerState, STATE_ID)


def frontier_of(state: Any) -> Frontier:
    """The tree's right edge as stored in the state row."""
    return Frontier(state.tree_size, tuple(bytes.fromhex(h) for h in json.loads(state.frontier)))


def save_state(
    session: Session, *, tree_size: int, head_hash: str, frontier: Frontier, checkpoint_size: int
) -> None:
    """Store the state after an append (the row is already locked)."""
    session.connection().execute(
        update(LedgerState.__table__)  # type: ignore[arg-type]
        .where(LedgerState.__table__.c.id == STATE_ID)
        .values(
            tree_size=tree_size,
            head_hash=head_hash,
            frontier=json.dumps([h.hex() for h in frontier.hashes]),
            checkpoint_size=checkpoint_size,
        )
    )


def existing_entries(session: Session, event_ids: Sequence[str]) -> dict[str, Any]:
    """Entries already in the log for these event ids (seq, record, entry_hash)."""
    if not event_ids:
        return {}
    rows = session.execute(
        select(
            LedgerEntry.event_id, LedgerEntry.seq, LedgerEntry.record, LedgerEntry.entry_hash
        ).where(LedgerEntry.event_id.in_(event_ids))
    ).all()
    return {r.event_id: r for r in rows}


def insert_entries(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert sealed entries in one statement (Core: no ORM bookkeeping on the hot path)."""
    if rows:
        session.connection().execute(insert(LedgerEntry.__table__), rows)  # type: ignore[arg-type]


def insert_nodes(session: Session, nodes: list[Node]) -> None:
    """Insert new perfect-subtree hashes in one statement."""
    if nodes:
        session.connection().execute(
            insert(MerkleNode.__table__),  # type: ignore[arg-type]
            [{"level": n.level, "idx": n.index, "hash": n.hash} for n in nodes],
        )


class SessionNodeReader:
    """Reads Merkle nodes through a session: one query per proof.

    Proofs are on a hot path and each asks for a different set of ids, so the SQL is
    written directly (one ``(level = ? AND idx IN (...))`` term per level, which both
    databases answer from the primary key) instead of compiling a new statement shape
    for every proof.
    """

    def __init__(self, session: Session) -> None:
        self.session = session
        paramstyle = session.get_bind().dialect.paramstyle
        self._mark = "?" if paramstyle == "qmark" else "%s"

    def get_nodes(self, ids: Sequence[NodeId]) -> Mapping[NodeId, bytes]:
        """The stored hashes of ``ids`` (missing ones are absent from the result)."""
        if not ids:
            return {}
        by_level: dict[int, list[int]] = {}
        for level, index in ids:
            by_level.setdefault(level, []).append(index)
        terms = []
        params: list[int] = []
        for level, indexes in by_level.items():
            marks = ", ".join([self._mark] * len(indexes))
            terms.append(f"(level = {self._mark} AND idx IN ({marks}))")
            params.append(level)
            params.extend(indexes)
        # Only placeholders are interpolated; every value travels as a bound parameter.
        sql = "SELECT level, idx, hash FROM merkle_nodes WHERE " + " OR ".join(terms)  # noqa: S608
        rows = self.session.connection().exec_driver_sql(sql, tuple(params)).all()
        return {(int(r[0]), int(r[1])): bytes(r[2]) for r in rows}


def latest_checkpoint(session: Session) -> CheckpointRow | None:
    """The newest checkpoint."""
    return session.scalars(
        select(CheckpointRow).order_by(CheckpointRow.tree_size.desc()).limit(1)
    ).first()


def checkpoint_at(session: Session, tree_size: int) -> CheckpointRow | None:
    """The checkpoint of exactly ``tree_size`` entries, if one was issued."""
    return session.get(CheckpointRow, tree_size)


def entry(session: Session, seq: int) -> LedgerEntry | None:
    """The entry at ``seq``."""
    return session.get(LedgerEntry, seq)


def entries(
    session: Session,
    *,
    after_seq: int | None,
    limit: int,
    type: str | None = None,
    subject: str | None = None,
    source: str | None = None,
) -> Sequence[LedgerEntry]:
    """Entries in log order, filtered, after a sequence number."""
    stmt = select(LedgerEntry).order_by(LedgerEntry.seq).limit(limit)
    if after_seq is not None:
        stmt = stmt.where(LedgerEntry.seq > after_seq)
    if type and type.endswith(".*"):
        stmt = stmt.where(LedgerEntry.type.startswith(type[:-1]))
    elif type:
        stmt = stmt.where(LedgerEntry.type == type)
    if subject:
        stmt = stmt.where(LedgerEntry.subject == subject)
    if source:
        stmt = stmt.where(LedgerEntry.source == source)
    return session.scalars(stmt).all()


def iter_entries(session: Session, *, upto: int, page: int = 2000) -> Iterator[LedgerEntry]:
    """Every entry with seq < ``upto`` in order, read page by page (keyset)."""
    last = -1
    while last + 1 < upto:
        batch = session.scalars(
            select(LedgerEntry)
            .where(and_(LedgerEntry.seq > last, LedgerEntry.seq < upto))
            .order_by(LedgerEntry.seq)
            .limit(page)
        ).all()
        if not batch:
            return
        yield from batch
        last = batch[-1].seq
        session.expunge_all()


def checkpoints(session: Session, *, upto: int | None = None) -> Sequence[CheckpointRow]:
    """Every checkpoint in order of size (up to ``upto`` entries)."""
    stmt = select(CheckpointRow).order_by(CheckpointRow.tree_size)
    if upto is not None:
        stmt = stmt.where(CheckpointRow.tree_size <= upto)
    return session.scalars(stmt).all()


def source_keys(session: Session) -> Sequence[SourceKey]:
    """Every registered source key."""
    return session.scalars(select(SourceKey).order_by(SourceKey.registered_at)).all()


def source_key(session: Session, kid: str) -> SourceKey | None:
    """The source key with this id."""
    return session.get(SourceKey, kid)
