"""The three services as processes on fresh databases, for the benchmarks that drive
them over HTTP."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.databases import DatabaseFactory
from tests.e2e.processes import ServiceProcesses

SERVICES = ("catalog", "exchange", "audit")


@contextmanager
def running_services(*, workers: int | None = None) -> Iterator[ServiceProcesses]:
    """Exchange, catalog and audit started (logging warnings only) on databases of the
    kind ``DATAEX_TEST_DB`` names, ready; stopped and their databases dropped on exit.
    ``workers`` sets the exchange's and the catalog's server processes."""
    with tempfile.TemporaryDirectory() as tmp:
        factory = DatabaseFactory(Path(tmp))
        try:
            urls = {s: factory.migrated(s, private=True) for s in SERVICES}
            procs = ServiceProcesses(var_dir=Path(tmp), database_urls=urls)
            env = {f"DATAEX_{s.upper()}_LOG_LEVEL": "WARNING" for s in SERVICES}
            if workers is not None:
                env |= {"DATAEX_EXCHANGE_WORKERS": str(workers),
                        "DATAEX_CATALOG_WORKERS": str(workers)}
            try:
                procs.start("exchange", extra_env=env)
                procs.wait_ready("exchange")
                procs.start("catalog", extra_env=env)
                procs.start("audit", extra_env=env)
                procs.wait_ready("catalog", "audit")
                yield procs
            finally:
                procs.stop_all()
        finally:
            factory.close()
