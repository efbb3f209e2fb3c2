"""Each service's Alembic environment, driven from code.

Every service keeps its own migration scripts under ``migrations/<service>/`` and its
own version table (``alembic_version_<service>``), so the three can share one
PostgreSQL database or use three. Scripts use batch operations so that the same
migration runs on SQLite.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command, context
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, MetaData, create_engine, pool

from services.shared.database import normalise_url

MIGRATIONS_ROOT = Path(__file__).resolve().parents[2] / "migrations"
SERVICES = ("catalog", "exchange", "audit")


def version_table(service: str) -> str:
    """The name of the table holding ``service``'s schema revision."""
    return f"alembic_version_{service}"


def alembic_config(service: str, url: str) -> Config:
    """An Alembic configuration for one service's migrations against ``url``."""
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}")
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_ROOT / service))
    cfg.attributes["service"] = service
    cfg.attributes["url"] = normalise_url(url)
    return cfg


def upgrade(service: str, url: str, revision: str = "head") -> None:
    """Migrate ``service``'s tables at ``url`` up to ``revision``."""
    command.upgrade(alembic_config(service, url), revision)


def downgrade(service: str, url: str, revision: str = "base") -> None:
    """Migrate ``service``'s tables at ``url`` down to ``revision``."""
    command.downgrade(alembic_config(service, url), revision)


def head_revision(service: str) -> str | None:
    """The newest revision among ``service``'s migration scripts."""
    script = ScriptDirectory.from_config(alembic_config(service, "sqlite://"))
    return script.get_current_head()


def current_revision(connection: Connection, service: str) -> str | None:
    """The revision the database behind ``connection`` is at for ``service``."""
    ctx = MigrationContext.configure(connection, opts={"version_table": version_table(service)})
    return ctx.get_current_revision()


def migration_engine(url: str) -> Engine:
    """A pool-less engine for migrations.

    Unlike the service engines it leaves SQLite's foreign keys off, because batch mode
    rebuilds a table by copy, drop and rename.
    """
    return create_engine(normalise_url(url), poolclass=pool.NullPool)


def run_environment(target_metadata: MetaData) -> None:
    """The body of every ``migrations/<service>/env.py`` (online mode only)."""
    cfg = context.config
    service = cfg.attributes["service"]
    connection = cfg.attributes.get("connection")
    if connection is not None:
        _run_on(connection, service, target_metadata)
        return
    engine = migration_engine(cfg.attributes["url"])
    try:
        with engine.connect() as conn:
            _run_on(conn, service, target_metadata)
    finally:
        engine.dispose()


def _run_on(connection: Connection, service: str, target_metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        version_table=version_table(service),
        render_as_batch=True,
        compare_type=True,
        include_name=lambda name, type_, _parent: not (
            type_ == "table" and name is not None and name.startswith("alembic_version")
        ) and (type_ != "table" or name in target_metadata.tables),
    )
    with context.begin_transaction():
        context.run_migrations()
