"""Each service's migrations go up to head and down to base, and match its models."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, create_engine, inspect

from services.shared.database import normalise_url
from services.shared.migrations import SERVICES, downgrade, head_revision, upgrade, version_table
from tests.databases import DatabaseFactory


def service_metadata(service: str) -> MetaData:
    metadata: MetaData = import_module(f"services.{service}.metadata").load_metadata()
    return metadata


def tables(url: str) -> set[str]:
    """Ordinary tables at ``url``: SQLite's full-text virtual tables and their shadow
    tables are search indexes, not part of the model, and are left out."""
    engine = create_engine(normalise_url(url))
    try:
        names = set(inspect(engine).get_table_names())
        if engine.dialect.name == "sqlite":
            with engine.connect() as conn:
                virtual = {
                    row[0] for row in conn.exec_driver_sql(
                        "SELECT name FROM sqlite_master WHERE type = 'table' "
                        "AND sql LIKE 'CREATE VIRTUAL TABLE%'"
                    )
                }
            names = {n for n in names if not any(n == v or n.startswith(v + "_")
                                                 for v in virtual)}
        return names
    finally:
        engine.dispose()


@pytest.fixture
def empty_db(databases: DatabaseFactory) -> Callable[[], str]:
    made: list[str] = []

    def make() -> str:
        url = databases.empty()
        made.append(url)
        return url

    yield make  # type: ignore[misc]
    for url in made:
        databases.drop(url)


@pytest.mark.parametrize("service", SERVICES)
def test_upgrade_to_head_then_downgrade_to_base(service: str, empty_db) -> None:
    url = empty_db()
    upgrade(service, url)
    expected = set(service_metadata(service).tables)
    assert tables(url) == expected | {version_table(service)}
    downgrade(service, url)
    assert tables(url) <= {version_table(service)}
    upgrade(service, url)
    assert tables(url) == expected | {version_table(service)}


@pytest.mark.parametrize("service", SERVICES)
def test_models_match_migrations(service: str, empty_db) -> None:
    url = empty_db()
    upgrade(service, url)
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            ctx = MigrationContext.configure(
                conn,
                opts={"compare_type": True, "version_table": version_table(service)},
            )
            diff = compare_metadata(ctx, service_metadata(service))
    finally:
        engine.dispose()
    ordinary = tables(url)
    diff = [
        d for d in diff
        if not (d[0] == "remove_table"
                and (d[1].name.startswith("alembic") or d[1].name not in ordinary))
    ]
    assert diff == [], f"models and migrations of {service} differ: {diff}"


def test_services_can_share_one_database(empty_db) -> None:
    url = empty_db()
    for service in SERVICES:
        upgrade(service, url)
    present = tables(url)
    for service in SERVICES:
        assert version_table(service) in present
        assert set(service_metadata(service).tables) <= present
        assert head_revision(service) is not None
