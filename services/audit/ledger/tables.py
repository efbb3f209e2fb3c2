"""Ledger tables: entries, Merkle nodes, the sequencer's state, checkpoints, source keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Index, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from services.audit.db import Base
from services.shared.orm import UTCDateTime


class LedgerEntry(Base):
    """One entry of the log, with the hashes that chain it and place it in the tree."""

    __tablename__ = "ledger_entries"
    # Regulators page through one type or one subject in log order.
    __table_args__ = (
        Index("ix_ledger_entries_type_seq", "type", "seq"),
        Index("ix_ledger_entries_subject_seq", "subject", "seq"),
    )

    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    type: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(128))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[str] = mapped_column(String(32))
    record: Mapped[str] = mapped_column(Text)
    kid: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    leaf_hash: Mapped[str] = mapped_column(String(64))


class MerkleNode(Base):
    """The hash of one perfect subtree: leaves [idx·2^level, (idx+1)·2^level)."""

    __tablename__ = "merkle_nodes"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    idx: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LedgerState(Base):
    """The sequencer's single row: tree size, chain head and the tree's right edge.

    Appending processes lock this row, so however many audit processes run, entries get
    one dense sequence.
    """

    __tablename__ = "ledger_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    tree_size: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))
    frontier: Mapped[str] = mapped_column(Text)
    checkpoint_size: Mapped[int] = mapped_column(BigInteger, default=0)


class CheckpointRow(Base):
    """A signed tree head, with the consistency proof from the one before it."""

    __tablename__ = "checkpoints"

    tree_size: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    root_hash: Mapped[str] = mapped_column(String(64))
    timestamp: Mapped[str] = mapped_column(String(32))
    kid: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))
    previous_size: Mapped[int | None] = mapped_column(BigInteger, nullable=True)
    consistency_path: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SourceKey(Base):
    """An emitting service's Ed25519 public key; entries name it by ``kid``."""

    __tablename__ = "source_keys"

    kid: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(32), index=True)
    jwk: Mapped[str] = mapped_column(Text)
    registered_at: Mapped[datetime] = mapped_column(UTCDateTime())
