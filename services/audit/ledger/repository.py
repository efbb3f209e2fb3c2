"""SQL for the ledger: the sequencer's state row, entries, Merkle nodes, checkpoints.

:class:`SqlLogStorage` is the :class:`~services.audit.ledger.storage.LogStorage` the
sequencer writes through.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NamedTuple, TypeAlias

from sqlalchemy import Table, and_, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from services.audit.ledger.checkpoint import Checkpoint
from services.audit.ledger.entry import GENESIS_HASH
from services.audit.ledger.integration import ENTRY_COLUMNS, EntryRow, PriorEntry
from services.audit.ledger.merkle import Frontier, Node, NodeId, NodeReader
from services.audit.ledger.storage import LogState, SignedCheckpoint
from services.audit.ledger.tables import (
    CheckpointRow,
    LedgerEntry,
    LedgerState,
    MerkleNode,
    SourceKey,
)
from services.shared.database import Database
from services.shared.orm import utcnow

STATE_ID = 1

StoredEntry: TypeAlias = LedgerEntry
"""An entry as :func:`entry` and :func:`entries` return it."""


_STATE: Table = LedgerState.__table__  # type: ignore[assignment]
_ENTRIES: Table = LedgerEntry.__table__  # type: ignore[assignment]
_NODES: Table = MerkleNode.__table__  # type: ignore[assignment]


def _locked_state_row(session: Session) -> Any:
    """The state row (tree_size, head_hash, frontier, checkpoint_size), locked until the
    transaction ends; created if absent."""
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


def lock_state(session: Session) -> LogState:
    """The sequencer's state, locked until the transaction ends; created if absent."""
    return _log_state(_locked_state_row(session))


def read_state(session: Session) -> LedgerState | None:
    """The sequencer's state without locking it."""
    return session.get(LedgerState, STATE_ID)


def frontier_of(state: Any) -> Frontier:
    """The tree's right edge as stored in the state row."""
    return Frontier(state.tree_size, tuple(bytes.fromhex(h) for h in json.loads(state.frontier)))


def _log_state(row: Any) -> LogState:
    """A state row (tree_size, head_hash, frontier, checkpoint_size) as a LogState."""
    return LogState(frontier_of(row), row.head_hash, row.checkpoint_size)


def _frontier_json(frontier: Frontier) -> str:
    return json.dumps([h.hex() for h in frontier.hashes])


def save_state(session: Session, state: LogState) -> None:
    """Store the state after an append (the row is already locked)."""
    session.connection().execute(
        update(_STATE).where(_STATE.c.id == STATE_ID).values(
            tree_size=state.tree_size, head_hash=state.head_hash,
            frontier=_frontier_json(state.frontier), checkpoint_size=state.checkpoint_size,
        )
    )


def existing_entries(session: Session, event_ids: Sequence[str]) -> dict[str, PriorEntry]:
    """Entries already in the log for these event ids (record, seq, entry_hash)."""
    if not event_ids:
        return {}
    rows = session.connection().execute(
        select(
            _ENTRIES.c.event_id, _ENTRIES.c.seq, _ENTRIES.c.record, _ENTRIES.c.entry_hash
        ).where(_ENTRIES.c.event_id.in_(event_ids))
    ).all()
    return {r.event_id: PriorEntry(r.record, r.seq, r.entry_hash) for r in rows}


_PG_LOCK = ("SELECT tree_size, head_hash, frontier, checkpoint_size FROM ledger_state "
            "WHERE id = %s FOR UPDATE")
_PG_EXISTING = ("SELECT event_id, seq, record, entry_hash FROM ledger_entries "
                "WHERE event_id = ANY(%s)")
_PG_INSERT_ENTRY = (f"INSERT INTO ledger_entries ({', '.join(ENTRY_COLUMNS)}) "  # noqa: S608
                    f"VALUES ({', '.join(['%s'] * len(ENTRY_COLUMNS))})")
_PG_INSERT_NODE = "INSERT INTO merkle_nodes (level, idx, hash) VALUES (%s, %s, %s)"
_PG_COPY_ENTRIES = f"COPY ledger_entries ({', '.join(ENTRY_COLUMNS)}) FROM STDIN"
_PG_COPY_NODES = "COPY merkle_nodes (level, idx, hash) FROM STDIN"
COPY_MIN_ROWS = 100
"""From this many entries in one group commit, PostgreSQL gets them by COPY."""
_PG_SAVE_STATE = ("UPDATE ledger_state SET tree_size = %s, head_hash = %s, frontier = %s, "
                  "checkpoint_size = %s WHERE id = %s")


class _PgState(NamedTuple):
    tree_size: int
    head_hash: str
    frontier: str
    checkpoint_size: int


def _driver(session: Session) -> Any:
    """The psycopg connection under the session's transaction, or None on SQLite."""
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        return None
    return conn.connection.driver_connection


def begin_append(
    session: Session, event_ids: Sequence[str]
) -> tuple[LogState, dict[str, PriorEntry]]:
    """Lock the state row, then read the entries the log already has for ``event_ids``.

    On PostgreSQL both statements travel in one pipeline (one round trip). The second
    runs after the first has the lock, so under READ COMMITTED it sees every entry
    committed by whichever process held the lock before.
    """
    pg = _driver(session)
    if pg is not None:
        with pg.pipeline():
            locked = pg.execute(_PG_LOCK, (STATE_ID,))
            # Planned afresh each time (not prepared): a prepared statement's generic plan,
            # made while the table was small, can stay a sequential scan as the ledger
            # grows, and every append would then read the whole table.
            found = (pg.execute(_PG_EXISTING, (list(event_ids),), prepare=False)
                     if event_ids else None)
        row = locked.fetchone()
        if row is not None:
            rows = found.fetchall() if found is not None else []
            return (_log_state(_PgState(*row)),
                    {r[0]: PriorEntry(r[2], r[1], r[3]) for r in rows})
    return lock_state(session), existing_entries(session, event_ids)


def finish_append(
    session: Session,
    entries: Sequence[EntryRow],
    nodes: Sequence[Node],
    state: LogState,
    *,
    commit: bool = False,
) -> None:
    """Insert the sealed entries and new Merkle nodes and store the new state (the row is
    locked). On PostgreSQL a few entries travel in one pipeline (one round trip), many by
    COPY; with ``commit`` the transaction's COMMIT joins that pipeline, so the state-row
    lock is released one round trip sooner (the session's own commit then has nothing
    left to do). On SQLite ``commit`` is left to the session."""
    frontier_json = _frontier_json(state.frontier)
    pg = _driver(session)
    if pg is not None:
        entry_rows = [e.values() for e in entries]
        node_rows = [(n.level, n.index, n.hash) for n in nodes]
        with pg.cursor() as cur:
            if len(entry_rows) >= COPY_MIN_ROWS:
                # Many rows: COPY (rows formatted in C) beats an INSERT per row.
                with cur.copy(_PG_COPY_ENTRIES) as copy:
                    for row in entry_rows:
                        copy.write_row(row)
                with cur.copy(_PG_COPY_NODES) as copy:
                    for node_row in node_rows:
                        copy.write_row(node_row)
                entry_rows, node_rows = [], []
            with pg.pipeline():
                if entry_rows:
                    cur.executemany(_PG_INSERT_ENTRY, entry_rows)
                if node_rows:
                    cur.executemany(_PG_INSERT_NODE, node_rows)
                cur.execute(_PG_SAVE_STATE, (state.tree_size, state.head_hash, frontier_json,
                                             state.checkpoint_size, STATE_ID))
                if commit:
                    pg.commit()
        return
    conn = session.connection()
    if entries:
        conn.execute(insert(_ENTRIES), [dict(zip(ENTRY_COLUMNS, e.values(), strict=True))
                                        for e in entries])
    if nodes:
        conn.execute(insert(_NODES),
                     [{"level": n.level, "idx": n.index, "hash": n.hash} for n in nodes])
    save_state(session, state)


def add_checkpoint(session: Session, signed: SignedCheckpoint) -> None:
    """Store a newly signed checkpoint."""
    checkpoint = signed.checkpoint
    session.execute(
        insert(CheckpointRow).values(
            tree_size=checkpoint.tree_size,
            root_hash=checkpoint.root_hash,
            timestamp=checkpoint.timestamp,
            kid=signed.kid,
            signature=signed.signature,
            previous_size=signed.previous_size,
            consistency_path=json.dumps([h.hex() for h in signed.consistency_path]),
            created_at=utcnow(),
        )
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


def entry_by_event(session: Session, event_id: str) -> LedgerEntry | None:
    """The entry that recorded ``event_id``."""
    return session.scalars(select(LedgerEntry).where(LedgerEntry.event_id == event_id)).first()


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


def checkpoints(
    session: Session, *, upto: int | None = None, after: int | None = None,
    limit: int | None = None,
) -> Sequence[CheckpointRow]:
    """Checkpoints in order of size: those of more than ``after`` and at most ``upto``
    entries, the first ``limit`` of them (every one by default)."""
    stmt = select(CheckpointRow).order_by(CheckpointRow.tree_size)
    if upto is not None:
        stmt = stmt.where(CheckpointRow.tree_size <= upto)
    if after is not None:
        stmt = stmt.where(CheckpointRow.tree_size > after)
    if limit is not None:
        stmt = stmt.limit(limit)
    return session.scalars(stmt).all()


def source_keys(session: Session) -> Sequence[SourceKey]:
    """Every registered source key."""
    return session.scalars(select(SourceKey).order_by(SourceKey.registered_at)).all()


def source_key(session: Session, kid: str) -> SourceKey | None:
    """The source key with this id."""
    return session.get(SourceKey, kid)


class SqlLogTransaction:
    """One sequencer transaction on a session (a :class:`LogTransaction`)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def begin_append(self, event_ids: Sequence[str]) -> tuple[LogState, dict[str, PriorEntry]]:
        """See :func:`begin_append`."""
        return begin_append(self.session, event_ids)

    def lock_state(self) -> LogState:
        """See :func:`lock_state`."""
        return lock_state(self.session)

    def finish_append(self, entries: Sequence[EntryRow], nodes: Sequence[Node],
                      state: LogState, *, commit: bool = False) -> None:
        """See :func:`finish_append`."""
        finish_append(self.session, entries, nodes, state, commit=commit)

    def save_state(self, state: LogState) -> None:
        """See :func:`save_state`."""
        save_state(self.session, state)

    def latest_checkpoint(self) -> Checkpoint | None:
        """The newest checkpoint's tree head."""
        row = latest_checkpoint(self.session)
        if row is None:
            return None
        return Checkpoint(tree_size=row.tree_size, root_hash=row.root_hash,
                          timestamp=row.timestamp)

    def nodes(self) -> NodeReader:
        """The stored Merkle nodes, read through this transaction."""
        return SessionNodeReader(self.session)

    def add_checkpoint(self, signed: SignedCheckpoint) -> None:
        """See :func:`add_checkpoint`."""
        add_checkpoint(self.session, signed)


class SqlLogStorage:
    """The ledger in a SQL database (a :class:`LogStorage`)."""

    def __init__(self, db: Database) -> None:
        self.db = db

    @contextmanager
    def transaction(self) -> Iterator[SqlLogTransaction]:
        """A transaction of ``db``'s: committed when the block ends, else rolled back."""
        with self.db.transaction() as session:
            yield SqlLogTransaction(session)
