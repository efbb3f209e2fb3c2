"""Fixtures for end-to-end tests: real processes on their own databases."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.shared.migrations import SERVICES
from tests.databases import DatabaseFactory
from tests.e2e.processes import ServiceProcesses


@pytest.fixture
def processes(databases: DatabaseFactory, tmp_path: Path) -> Iterator[ServiceProcesses]:
    urls = {s: databases.migrated(s, private=True) for s in SERVICES}
    procs = ServiceProcesses(var_dir=tmp_path, database_urls=urls)
    try:
        procs.start_all()
        yield procs
    finally:
        procs.stop_all()
        for url in urls.values():
            databases.drop(url)
