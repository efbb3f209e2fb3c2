"""Engines, sessions and the per-request unit of work.

SQLite is the embedded default and PostgreSQL the production database; both go
through :func:`create_db_engine`, which normalises URLs and sets SQLite up for a
multi-threaded server (WAL, foreign keys, a busy timeout and immediate write
transactions so two writers never deadlock on a lock upgrade).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker


def normalise_url(url: str) -> str:
    """Use psycopg 3 for PostgreSQL whatever driver (or none) the URL names."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername != "postgresql+psycopg":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def is_sqlite(url: str) -> bool:
    """Whether the URL points at SQLite."""
    return make_url(url).get_backend_name() == "sqlite"


def _configure_sqlite(engine: Engine, synchronous: str, *, writer: bool = True) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's begin event issue BEGIN itself (see below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA busy_timeout=30000")
        cur.execute(f"PRAGMA synchronous={synchronous}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # A deferred transaction that later writes can fail at once with "database is
        # locked" when another writer got there first; taking the write lock up front
        # makes writers queue on the busy timeout instead. Readers (WAL) need no lock.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if writer else "BEGIN")


def create_db_engine(
    url: str, *, pool_size: int = 10, echo: bool = False, writer: bool = True
) -> Engine:
    """An engine for ``url`` set up for this project's needs on SQLite or PostgreSQL.

    On SQLite a ``writer=False`` engine starts read transactions without taking the
    write lock.
    """
    url = normalise_url(url)
    if is_sqlite(url):
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": 30},
        )
        _configure_sqlite(engine, synchronous="FULL", writer=writer)
        return engine
    # No pre-ping: it costs a round trip on every checkout; a connection the server
    # dropped fails one statement (and is replaced), and recycling keeps them fresh.
    return create_engine(
        url,
        echo=echo,
        pool_size=pool_size,
        max_overflow=pool_size * 2,
        pool_recycle=1800,
    )


class Database:
    """One engine and its session factory; the unit of work for requests and jobs."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = normalise_url(url)
        self.engine = create_db_engine(self.url, pool_size=pool_size)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        if is_sqlite(self.url):
            self.read_engine = create_db_engine(self.url, pool_size=pool_size, writer=False)
        else:
            self.read_engine = self.engine
        self.read_sessions = sessionmaker(self.read_engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A session that commits when the block ends normally and rolls back otherwise."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads only; it never blocks writers. Objects read stay usable
        after the block (closing ends the transaction without expiring them)."""
        session = self.read_sessions()
        try:
            yield session
        finally:
            session.close()

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        if self.read_engine is not self.engine:
            self.read_engine.dispose()
