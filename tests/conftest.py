"""Fixtures shared by every test: databases on the chosen backend, in-process apps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.databases import DatabaseFactory, backend, postgres_reachable
from tests.stack import Stack, build_stack


def pytest_report_header(config: pytest.Config) -> str:
    return f"dataex test database: {backend()}"


@pytest.fixture(scope="session")
def databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DatabaseFactory]:
    if backend() == "postgres" and not postgres_reachable():
        pytest.exit("DATAEX_TEST_DB=postgres but PostgreSQL is not reachable", returncode=3)
    factory = DatabaseFactory(tmp_path_factory.mktemp("db"))
    yield factory
    factory.close()


@pytest.fixture
def fresh_db(databases: DatabaseFactory) -> Iterator[Callable[[str], str]]:
    """``fresh_db(service)``: the URL of a new database at that service's head."""
    made: list[str] = []

    def make(service: str) -> str:
        url = databases.migrated(service)
        made.append(url)
        return url

    yield make
    for url in made:
        databases.drop(url)


@pytest.fixture
def stack(fresh_db: Callable[[str], str], tmp_path: Path) -> Iterator[Stack]:
    """The three services in-process, each on its own fresh database."""
    with build_stack(fresh_db, tmp_path) as s:
        yield s


@pytest.fixture
def exchange(stack: Stack) -> TestClient:
    return stack.exchange


@pytest.fixture
def catalog(stack: Stack) -> TestClient:
    return stack.catalog


@pytest.fixture
def audit(stack: Stack) -> TestClient:
    return stack.audit


