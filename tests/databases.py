"""Test databases: one migrated template per service, a fresh copy per test.

The backend is chosen by ``DATAEX_TEST_DB`` (``sqlite`` by default, or ``postgres``);
PostgreSQL is reached at ``TEST_POSTGRES_URL`` (default: the local server, user
postgres). Every database a test run makes has a random name and is dropped at the
end, so two runs never see each other's rows.
"""

from __future__ import annotations

import os
import secrets
import shutil
from importlib import import_module
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from services.shared.database import normalise_url
from services.shared.migrations import upgrade

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def backend() -> str:
    """``sqlite`` or ``postgres``: which database this test run uses."""
    return os.environ.get("DATAEX_TEST_DB", "sqlite")


def postgres_admin_url() -> str:
    """Where to create and drop PostgreSQL test databases."""
    return normalise_url(os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL))


def postgres_reachable(url: str | None = None) -> bool:
    """Whether the PostgreSQL server answers."""
    engine = create_engine(url or postgres_admin_url(), connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except Exception:
        return False
    finally:
        engine.dispose()


class DatabaseFactory:
    """Makes empty or migrated databases for one test session, and drops them all."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.kind = backend()
        self.run_id = secrets.token_hex(4)
        self._templates: dict[str, str] = {}
        self._working: dict[str, str] = {}
        self._made: list[str] = []
        if self.kind == "postgres":
            self._admin = create_engine(postgres_admin_url(), isolation_level="AUTOCOMMIT")

    def _name(self, label: str) -> str:
        return f"dataex_test_{self.run_id}_{label}_{secrets.token_hex(3)}"

    def empty(self, label: str = "db") -> str:
        """The URL of a new empty database."""
        name = self._name(label)
        if self.kind == "sqlite":
            return f"sqlite:///{self.workdir / (name + '.db')}"
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self._made.append(name)
        return make_url(postgres_admin_url()).set(database=name).render_as_string(False)

    def migrated(self, service: str, *, private: bool = False) -> str:
        """The URL of a database at ``service``'s newest migration with no rows but those
        the migrations put there.

        On SQLite that is a copy of a migrated template file. On PostgreSQL, where
        creating a database costs a good part of a second, tests get the same working
        database again with its tables emptied; ``private=True`` makes a new one from
        the untouched template instead (for tests whose other processes may still hold
        connections).
        """
        template = self._templates.get(service)
        if template is None:
            template = self.empty(f"tmpl_{service}")
            upgrade(service, template)
            self._templates[service] = template
        if self.kind == "sqlite":
            source = Path(make_url(template).database or "")
            target = self.workdir / (self._name(service) + ".db")
            shutil.copyfile(source, target)
            return f"sqlite:///{target}"
        if not private:
            working = self._working.get(service)
            if working is None:
                working = self._working[service] = self._clone(template, service)
            else:
                self._truncate(working, service)
            return working
        return self._clone(template, service)

    def _clone(self, template: str, service: str) -> str:
        name = self._name(service)
        template_name = make_url(template).database
        with self._admin.connect() as conn:
            conn.execute(
                text(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}" STRATEGY FILE_COPY')
            )
        self._made.append(name)
        return make_url(postgres_admin_url()).set(database=name).render_as_string(False)

    def _truncate(self, url: str, service: str) -> None:
        metadata = import_module(f"services.{service}.metadata").load_metadata()
        names = [
            f'"{t.name}"' for t in metadata.sorted_tables if not t.info.get("reference_data")
        ]
        if not names:
            return
        engine = create_engine(url)
        try:
            with engine.begin() as conn:
                conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
        finally:
            engine.dispose()

    def drop(self, url: str) -> None:
        """Drop one database made by this factory (templates stay until ``close``)."""
        if self.kind != "postgres" or url in self._working.values():
            return
        name = make_url(url).database
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if name in self._made:
            self._made.remove(name)

    def close(self) -> None:
        """Drop every database still left."""
        if self.kind != "postgres":
            return
        with self._admin.connect() as conn:
            for name in self._made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        self._made.clear()
        self._admin.dispose()
